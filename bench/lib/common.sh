# shellcheck shell=bash
# bench/lib/common.sh: shell functions shared by bench/http and bench/collab
# (sourced, not run): free ports, waiting for a server, signing in the way a
# browser does, an nginx serving one file, wrk runs and their figures, CPU
# time and resident memory of a process. The caller sets BENCH_NAME (for
# messages), TMP (its temporary directory), START_TIMEOUT_S and, for wrk,
# WRK_THREADS, WRK_CONNS, WRK_DURATION and WRK_WARMUP.

die() { echo "$BENCH_NAME: $*" >&2; exit 1; }

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# two distinct free ports, "P1 P2"
free_ports() {
	local a b
	a=$(free_port)
	b=$(free_port)
	while [ "$b" = "$a" ]; do b=$(free_port); done
	echo "$a $b"
}

# waits until URL answers with any HTTP status: URL HOST_HEADER PID
wait_http() {
	local url=$1 host=$2 pid=$3
	for _ in $(seq $((START_TIMEOUT_S * 10))); do
		kill -0 "$pid" 2>/dev/null || return 1
		if curl -s -o /dev/null -m 1 -H "Host: $host" "$url"; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

# stops PID (TERM, then KILL after 5 s) and reaps it; "" is a no-op
stop_pid() {
	local pid=$1
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null || true
	for _ in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
mb() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }

# Signs in as a browser does: GET /login (pre-session cookie, csrf field),
# POST /login -> 303 with a session cookie. BASE HOST EMAIL PASSWORD; prints
# "bastide=SESSION". Files in $TMP/login-*.
sign_in() {
	local base=$1 host=$2 email=$3 password=$4 pre csrf code session
	curl -s -D "$TMP/login-1.h" -o "$TMP/login-1.html" -H "Host: $host" "$base/login" ||
		die "GET /login failed"
	pre=$(sed -n 's/^[Ss]et-[Cc]ookie: bastide-pre=\([^;]*\);.*/\1/p' "$TMP/login-1.h" | tr -d '\r' | head -n 1)
	csrf=$(grep -o 'name="csrf" value="[^"]*"' "$TMP/login-1.html" | head -n 1 | sed 's/.*value="\([^"]*\)"/\1/')
	[ -n "$csrf" ] || die "no csrf field on /login"
	code=$(curl -s -o /dev/null -D "$TMP/login-2.h" -w '%{http_code}' \
		-H "Host: $host" -H "Origin: http://$host" ${pre:+-H "Cookie: bastide-pre=$pre"} \
		--data-urlencode "email=$email" --data-urlencode "password=$password" \
		--data-urlencode "csrf=$csrf" "$base/login")
	[ "$code" = 303 ] || die "POST /login as $email answered $code, not 303"
	session=$(sed -n 's/^[Ss]et-[Cc]ookie: bastide=\([^;]*\);.*/\1/p' "$TMP/login-2.h" | tr -d '\r' | head -n 1)
	[ -n "$session" ] || die "POST /login as $email set no bastide session cookie"
	echo "bastide=$session"
}

# Starts nginx serving FILE at / on 127.0.0.1:PORT, from DIR (created),
# in the background; sets NGINX_PID. DIR PORT FILE
start_nginx() {
	local dir=$1 port=$2 file=$3 user_line=""
	mkdir -p "$dir/www" "$dir/tmp"
	cp "$file" "$dir/www/index.html"
	[ "$(id -u)" -eq 0 ] && user_line="user root;"
	cat >"$dir/nginx.conf" <<EOF
# written by $BENCH_NAME
$user_line
daemon off;
master_process on;
worker_processes auto;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
	access_log off;
	include /etc/nginx/mime.types;
	default_type application/octet-stream;
	sendfile on;
	tcp_nopush on;
	keepalive_requests 1000000;
	client_body_temp_path $dir/tmp/body;
	proxy_temp_path $dir/tmp/proxy;
	fastcgi_temp_path $dir/tmp/fastcgi;
	uwsgi_temp_path $dir/tmp/uwsgi;
	scgi_temp_path $dir/tmp/scgi;
	server {
		listen 127.0.0.1:$port;
		root $dir/www;
		location = / { try_files /index.html =404; }
	}
}
EOF
	[ -r /etc/nginx/mime.types ] || sed -i '/mime.types/d' "$dir/nginx.conf"
	nginx -c "$dir/nginx.conf" -p "$dir" -e "$dir/error.log" >"$dir/stderr.log" 2>&1 &
	NGINX_PID=$!
	wait_http "http://127.0.0.1:$port/" "127.0.0.1:$port" "$NGINX_PID" || die "nginx did not answer"
}

# prints "REQS P50_MS P99_MS NON2XX ERRORS" from wrk's output on stdin
parse_wrk() {
	awk '
	function ms(v) {
		if (v ~ /us$/) { sub(/us$/, "", v); return v / 1000 }
		if (v ~ /ms$/) { sub(/ms$/, "", v); return v + 0 }
		if (v ~ /m$/)  { sub(/m$/, "", v); return v * 60000 }
		if (v ~ /s$/)  { sub(/s$/, "", v); return v * 1000 }
		return v + 0
	}
	/^Requests\/sec:/ { reqs = $2 }
	/^ +50%/ { p50 = ms($2) }
	/^ +99%/ { p99 = ms($2) }
	/Non-2xx or 3xx responses:/ { non2xx = $NF }
	/Socket errors:/ { errs = $0; sub(/.*Socket errors: */, "", errs); gsub(/ /, "", errs) }
	END {
		if (reqs == "") exit 1
		printf "%.0f %.2f %.2f %d %s\n", reqs, p50, p99, non2xx + 0, errs == "" ? "none" : errs
	}'
}

# CPU time (clock ticks, user + system) of PID and its child processes
cpu_ticks() {
	local pids
	pids="$1 $(pgrep -P "$1" 2>/dev/null | tr '\n' ' ')"
	for p in $pids; do cat "/proc/$p/stat" 2>/dev/null || true; done |
		awk '{ s = $0; sub(/^.*\) /, "", s); split(s, f, " "); t += f[12] + f[13] } END { print t + 0 }'
}

run_wrk() { # NAME PID URL [wrk header args...]: output in $TMP/wrk-NAME.txt,
	local name=$1 pid=$2 url=$3 t0 t1 # CPU ticks spent by PID in $TMP/cpu-NAME
	shift 3
	wrk -t"$WRK_THREADS" -c"$WRK_CONNS" -d"$WRK_WARMUP" "$@" "$url" >/dev/null 2>&1 ||
		die "wrk warm-up against $name failed"
	t0=$(cpu_ticks "$pid")
	wrk -t"$WRK_THREADS" -c"$WRK_CONNS" -d"$WRK_DURATION" --latency "$@" "$url" \
		>"$TMP/wrk-$name.txt" 2>&1 || die "wrk against $name failed"
	t1=$(cpu_ticks "$pid")
	echo $((t1 - t0)) >"$TMP/cpu-$name"
}

# microseconds of server CPU per request: TICKS REQS_PER_S
cpu_us() {
	local secs=${WRK_DURATION%s}
	awk -v t="$1" -v r="$2" -v hz="$(getconf CLK_TCK)" -v d="$secs" \
		'BEGIN { printf "%.0f", (r > 0) ? t / hz * 1e6 / (r * d) : 0 }'
}

# 12345678 -> 12,345,678
thousands() {
	awk -v n="$1" 'BEGIN {
		s = sprintf("%.0f", n); o = ""
		while (length(s) > 3) { o = "," substr(s, length(s) - 2) o; s = substr(s, 1, length(s) - 3) }
		print s o
	}'
}
