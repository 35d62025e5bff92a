# nsd.sh - sourced by the tests that start NSD on loopback (after tests/cli/lib.sh).
#
#   nsd_conf PORT NAME:FILE...   writes $tmp/nsd.conf: NSD on 127.0.0.1#PORT, every
#                                file under $tmp (zones in $tmp/zones), no control
#                                channel, one server process, serving each zone NAME
#                                from FILE (relative to $tmp/zones)
nsd_conf() {
	port=$1
	shift
	{
		printf 'server:\n\tip-address: 127.0.0.1@%s\n\tport: %s\n\tdo-ip6: no\n' "$port" "$port"
		printf '\tusername: ""\n\tchroot: ""\n\tzonesdir: "%s/zones"\n' "$tmp"
		printf '\tdatabase: ""\n\tzonelistfile: "%s/zone.list"\n' "$tmp"
		printf '\txfrdfile: "%s/xfrd.state"\n\txfrdir: "%s"\n' "$tmp" "$tmp"
		printf '\tpidfile: "%s/nsd.pid"\n\tlogfile: "%s/nsd.log"\n' "$tmp" "$tmp"
		printf '\tserver-count: 1\n\treuseport: no\n'
		printf 'remote-control:\n\tcontrol-enable: no\n'
		for z in "$@"; do
			printf 'zone:\n\tname: "%s"\n\tzonefile: "%s"\n' "${z%%:*}" "${z#*:}"
		done
	} >"$tmp/nsd.conf"
}
