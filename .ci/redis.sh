#!/usr/bin/env bash
# A local Redis for CI and `make scale-demo` (no systemd): sourced by .ci/run and bin/scale-demo.

start_redis() {  # start_redis [PORT]: a Redis of our own on 127.0.0.1:PORT (default 6389), no persistence
  local port=${1:-6389}
  local dir
  dir="$(pwd)/var/redis-$port"
  if redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG; then return 0; fi
  mkdir -p "$dir"
  redis-server --bind 127.0.0.1 --port "$port" --daemonize yes --save '' --appendonly no \
    --dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
  for _ in $(seq 1 50); do
    redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG && return 0
    sleep 0.1
  done
  echo "Redis did not start on port $port (see $dir/redis.log)"; return 1
}

stop_redis() {  # stop_redis [PORT]: the Redis start_redis started
  local port=${1:-6389}
  local pidfile
  pidfile="$(pwd)/var/redis-$port/redis.pid"
  if [ -f "$pidfile" ]; then kill "$(cat "$pidfile")" 2>/dev/null; rm -f "$pidfile"; fi
}
