#!/usr/bin/env bash
# Starts the Tutorial (built already: .ci/run builds Tools/Examples first), waits until it is ready, talks to
# it over HTTP and a websocket, checks the operator endpoints, stops it with SIGTERM and checks that it exits
# 0 in time, with its services stopping in reverse order. Needs curl and python3 (standard library only).
set -euo pipefail
cd "$(dirname "$0")"
command -v curl > /dev/null || { echo "tutorial-check: needs curl" >&2; exit 1; }

fail() {
    echo "tutorial-check: FAILED: $*" >&2
    echo "--- the Tutorial's log:" >&2
    cat "${log:-/dev/null}" >&2 || true
    exit 1
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

work=$(mktemp -d)
log="$work/tutorial.log"
pid=
cleanup() {
    if [[ -n "$pid" ]] && kill -0 "$pid" 2> /dev/null; then kill -KILL "$pid" 2> /dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

http_port=$(free_port)
ws_port=$(free_port)
while [[ "$ws_port" == "$http_port" ]]; do ws_port=$(free_port); done
base="http://127.0.0.1:$http_port"

# TUTORIAL_BINARY picks another build (a --sanitize=thread one, say); the default is the debug build.
binary="${TUTORIAL_BINARY:-$(swift build --package-path . --show-bin-path)/Tutorial}"
[[ -x "$binary" ]] || { echo "tutorial-check: $binary is not built" >&2; exit 1; }
# A short user TTL, so the cache's expiry timer is seen to work below.
"$binary" --port "$http_port" --ws-port "$ws_port" --user-ttl 2 --graph "$work/graph.dot" --no-color > "$log" 2>&1 &
pid=$!
echo "Tutorial started (pid $pid, HTTP $http_port, websockets $ws_port)"

# Readiness, bounded: the Worker reports ready once every service started and both servers listen.
ready=
for _ in $(seq 1 120); do
    kill -0 "$pid" 2> /dev/null || fail "the Tutorial exited before it was ready"
    if curl -fsS --max-time 2 "$base/health/ready" > "$work/ready" 2> /dev/null; then ready=yes; break; fi
    sleep 0.5
done
[[ -n "$ready" ]] || fail "not ready within 60 seconds"
grep -qx "ready, live" "$work/ready" || fail "readiness answered: $(cat "$work/ready")"
echo "ready: $(cat "$work/ready")"

# An HTTP request with a real answer: store a user, read it back, miss another.
status=$(curl -sS --max-time 5 -o "$work/put" -w '%{http_code}' -X PUT "$base/users/ada" \
    -H 'content-type: application/json' -d '{"name": "Ada Lovelace"}')
[[ "$status" == 201 ]] || fail "PUT /users/ada answered $status: $(cat "$work/put")"
body=$(curl -fsS --max-time 5 "$base/users/ada") || fail "GET /users/ada failed"
python3 -c 'import json, sys; sys.exit(json.loads(sys.argv[1]) != {"id": "ada", "name": "Ada Lovelace"})' "$body" \
    || fail "GET /users/ada answered $body"
status=$(curl -sS --max-time 5 -o /dev/null -w '%{http_code}' "$base/users/nobody")
[[ "$status" == 404 ]] || fail "GET /users/nobody answered $status, not 404"
echo "users: $body"

# A websocket message with a real answer: the greeting, then the echo.
python3 websocket-check.py 127.0.0.1 "$ws_port" /ws "hello, Mode" > "$work/ws" 2>&1 \
    || fail "websocket: $(cat "$work/ws")"
grep -qx "welcome to the Mode tutorial" "$work/ws" || fail "no websocket greeting: $(cat "$work/ws")"
grep -qx "echo: hello, Mode" "$work/ws" || fail "no websocket echo: $(cat "$work/ws")"
echo "websocket: $(tr '\n' '|' < "$work/ws")"

# The operator's endpoints.
curl -fsS --max-time 5 "$base/health/live" | grep -qx "ready, live" || fail "/health/live"
curl -fsS --max-time 5 "$base/metrics" > "$work/metrics" || fail "/metrics"
grep -q '^mode_service_starts{service="UserCache"} 1$' "$work/metrics" || fail "/metrics has no Mode start counter"
grep -q '^# TYPE mode_service_starts counter$' "$work/metrics" || fail "/metrics is not Prometheus text"
curl -fsS --max-time 5 "$base/tree" > "$work/tree.json" || fail "/tree"
python3 - "$work/tree.json" << 'PY' || fail "/tree: $(head -c 600 "$work/tree.json")"
import json, sys
tree = json.load(open(sys.argv[1]))
def walk(node):
    yield node
    for child in node["children"]:
        yield from walk(child)
seen = {node["label"]: node["state"] for node in walk(tree)}
expected = ["Worker", "App", "Websockets", "WebSocketServer", "UserCache", "Webserver", "HTTPServer"]
assert list(seen) == expected, seen
assert set(seen.values()) == {"running"}, seen
PY
curl -fsS --max-time 5 "$base/graph.dot" > "$work/served.dot" || fail "/graph.dot"
grep -q '^digraph' "$work/served.dot" && grep -q '"App" -> "Webserver"' "$work/served.dot" || fail "/graph.dot"
curl -fsS --max-time 5 "$base/graph.mmd" | grep -q '^flowchart TD' || fail "/graph.mmd"
cmp -s "$work/served.dot" "$work/graph.dot" || fail "the DOT file differs from /graph.dot"
if command -v dot > /dev/null; then
    [[ "$(head -c 4 "$work/graph.png" | od -An -c | tr -d ' ')" == '211PNG' ]] || fail "no PNG of the graph"
fi
echo "operator endpoints answer; graph written"

# The user cache's timer drops the user once it has been idle for longer than the TTL (2 s, swept every 2 s).
for _ in $(seq 1 30); do grep -q 'Dropped 1 expired user(s); 0 left' "$log" && break; sleep 0.5; done
grep -q 'Dropped 1 expired user(s); 0 left' "$log" || fail "the user was not dropped within 15 seconds"
status=$(curl -sS --max-time 5 -o /dev/null -w '%{http_code}' "$base/users/ada")
[[ "$status" == 404 ]] || fail "GET /users/ada answered $status after expiry, not 404"
echo "the cache's timer dropped the idle user"

# Stop: SIGTERM, a clean exit 0 within 30 seconds, services stopping in reverse order.
kill -TERM "$pid"
for _ in $(seq 1 60); do kill -0 "$pid" 2> /dev/null || break; sleep 0.5; done
kill -0 "$pid" 2> /dev/null && fail "still running 30 seconds after SIGTERM"
code=0
wait "$pid" || code=$?
pid=
[[ "$code" == 0 ]] || fail "exit status $code after SIGTERM"
grep -q 'Stopping on signal received: SIGTERM' "$log" || fail "no 'Stopping on signal received' line"
order() { sed -nE "s/.*\]: \[\^-*([A-Za-z]+)\]: $1$/\1/p" "$log" | tr '\n' ' '; }
started=$(order 'Starting\.\.\.')
stopped=$(order 'Stopping\.\.\.')
[[ "$started" == "Worker App Websockets WebSocketServer UserCache Webserver HTTPServer " ]] \
    || fail "start order: $started"
[[ "$stopped" == "Worker App Webserver HTTPServer UserCache Websockets WebSocketServer " ]] \
    || fail "stop order: $stopped"
closed=$(sed -nE 's/.*\]: \[\^-*([A-Za-z]+)\]: (Web server|Websocket server) closed$/\1/p' "$log" | tr '\n' ' ')
[[ "$closed" == "Webserver Websockets " ]] || fail "the servers' closed lines: $closed"
echo "stopped with status 0, in reverse order: $stopped"
echo "tutorial-check: OK"
