/*
 * api.js — the one way pages talk to the REST API: JSON in and out, the CSRF token, a
 * bearer token for devices, timeouts, and errors turned into text a person can read.
 *
 *   const api = createApi({base: "/api/v1"});           // staff pages: cookie + CSRF
 *   const kiosk = createApi({base: "/api/v1", token: () => deviceToken});
 *
 *   const result = await api.request("POST", "/counters/3/call", {service: 2});
 *   // never rejects: {ok, status, data}; status 0 = no answer (network), data null
 *   const data = await api.call("PATCH", "/offices/T1", {settings});
 *   // resolves to data, or rejects with an ApiError whose .message is readable text
 *
 * Options of request/call: `headers`, `timeout` (ms; a late answer counts as status 0 with
 * `timedOut`), `signal`, `idempotencyKey`. A write refused for a stale CSRF token (a page
 * left open for hours) renews the token once from `csrfUrl` (GET /csrf) and is sent again.
 * The server's error shape is `{"error": code, "message": text}`.
 */

import {t} from "./i18n.js";

/** A refused or failed call: `status` (0 = no answer), `code` (the API's error), `data`. */
export class ApiError extends Error {
  constructor(message, result) {
    super(message);
    this.name = "ApiError";
    this.status = result.status;
    this.code = result.data && result.data.error ? result.data.error : null;
    this.data = result.data;
    this.timedOut = !!result.timedOut;
  }
}

/** The CSRF token the page was rendered with (`<meta name="csrf-token">`), or "". */
export function pageCsrf() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.getAttribute("content") || "" : "";
}

function isStaleCsrf(result) {
  return result.status === 400 && !!result.data && /csrf/i.test(result.data.message || "");
}

/** Readable text for a failed result: no answer, a stale page, the server's message. */
export function errorText(result) {
  if (!result || !result.status) return t("error.network");
  if (isStaleCsrf(result)) return t("error.csrf");
  const data = result.data || {};
  if (data.message) return data.message;
  if (data.error && t("error." + data.error) !== "error." + data.error) {
    return t("error." + data.error);
  }
  if (result.status >= 500) return t("error.server");
  return t("error.http", {status: result.status});
}

/** fetch() → {ok, status, data, timedOut}; never rejects. */
export function fetchJson(method, url, body, options = {}) {
  const headers = Object.assign({Accept: "application/json"}, options.headers);
  const hasBody = body !== undefined && body !== null;
  if (hasBody) headers["Content-Type"] = "application/json";
  if (options.idempotencyKey) headers["Idempotency-Key"] = options.idempotencyKey;
  let controller = null;
  let timer = null;
  let timedOut = false;
  let signal = options.signal;
  if (options.timeout && !signal) {
    controller = new AbortController();
    signal = controller.signal;
    timer = setTimeout(function () {
      timedOut = true;
      controller.abort();
    }, options.timeout);
  }
  return fetch(url, {
    method: method,
    headers: headers,
    body: hasBody ? JSON.stringify(body) : undefined,
    cache: "no-store",
    credentials: "same-origin",
    signal: signal || undefined,
  })
    .then(function (response) {
      return response.text().then(function (text) {
        let data = null;
        try {
          data = text ? JSON.parse(text) : null;
        } catch {
          data = null;
        }
        return {ok: response.ok, status: response.status, data: data, timedOut: false};
      });
    })
    .catch(function () {
      return {ok: false, status: 0, data: null, timedOut: timedOut};
    })
    .finally(function () {
      if (timer !== null) clearTimeout(timer);
    });
}

/**
 * A client for one API base. `token`: a function giving a bearer token (devices) or null;
 * `csrf`: the starting token (default: the page's meta tag); `csrfUrl`: where to renew it.
 */
export function createApi(options = {}) {
  const base = options.base == null ? "/api/v1" : options.base;
  const csrfUrl = options.csrfUrl || "/csrf";
  const token = options.token || null;
  const client = {csrf: options.csrf == null ? pageCsrf() : options.csrf};

  client.url = function (path) {
    return /^(https?:)?\/\//.test(path) || path.startsWith(base + "/") ? path : base + path;
  };

  client.renewCsrf = function () {
    return fetchJson("GET", csrfUrl).then(function (result) {
      if (result.ok && result.data && result.data.csrf_token) {
        client.csrf = result.data.csrf_token;
        const meta = document.querySelector('meta[name="csrf-token"]');
        if (meta) meta.setAttribute("content", client.csrf);
        return true;
      }
      return false;
    });
  };

  client.request = function (method, path, body, opts = {}) {
    const send = function () {
      const headers = Object.assign({}, opts.headers);
      const bearer = token ? token() : null;
      if (bearer) headers.Authorization = "Bearer " + bearer;
      if (method !== "GET" && client.csrf) headers["X-CSRFToken"] = client.csrf;
      return fetchJson(method, client.url(path), body, Object.assign({}, opts, {headers}));
    };
    return send().then(function (result) {
      if (!isStaleCsrf(result) || opts.retried) return result;
      return client.renewCsrf().then(function (renewed) {
        return renewed ? send() : result;
      });
    });
  };

  client.call = function (method, path, body, opts) {
    return client.request(method, path, body, opts).then(function (result) {
      if (result.ok) return result.data;
      throw new ApiError(errorText(result), result);
    });
  };

  for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"]) {
    client[method.toLowerCase()] = function (path, body, opts) {
      return client.call(method, path, method === "GET" ? null : body, opts);
    };
  }
  return client;
}
