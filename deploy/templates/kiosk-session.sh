#!/bin/sh
# Chromium in kiosk mode on the device's page under cage (no desktop, no blanking, no
# pop-ups); the page is read from ${kiosk_env}, written by deploy/install.py.
set -a
. ${kiosk_env}
set +a
exec /usr/bin/cage -d -- /usr/bin/chromium \
    --kiosk --no-first-run --noerrdialogs --disable-infobars \
    --disable-session-crashed-bubble --disable-features=Translate,MediaRouter \
    --autoplay-policy=no-user-gesture-required --check-for-update-interval=31536000 \
    --disable-background-networking --disable-component-update --disable-sync \
    --overscroll-history-navigation=0 --disable-pinch \
    --user-data-dir=${kiosk_home}/chromium \
    $${LUOT_CHROMIUM_FLAGS:-} "$$LUOT_DEVICE_URL"
