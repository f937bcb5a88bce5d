/*
 * legacy.js — the library as `window.Luot.*` for pages still written as classic scripts.
 *
 * Load it as `<script type="module">` before their `defer` scripts: module and deferred
 * scripts run in document order. A page that imports static/js/lib/* itself needs none of it;
 * remove this file once no template loads it.
 */

import {createApi, errorText} from "./api.js";
import {deviceKey} from "./device_key.js";
import {el} from "./dom.js";
import {label, t} from "./i18n.js";
import {live} from "./live.js";

window.Luot = Object.assign(window.Luot || {}, {el, live, deviceKey, createApi, errorText, t, label});
