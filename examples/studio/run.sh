#!/usr/bin/env bash
# Trapeze's photographer studio on a local slnode cluster, driven over HTTP with curl as each user.
#
# Brings up a 3-node cluster (slnode up, in a temporary directory removed at the end), applies
# examples/photo-policy.toml, adds the studio's users, deploys the functions of this directory and
# the declassifiers, then: clients book shoots and pay by card, photographers upload photos, and
# every user calls every view. Each answer is printed as one line:
#
#   VIEW <user> <function> <http status> <body>
#
# Environment: SLNODE (the binary, default `slnode`), FIRST_IP (127.0.42.11), PORT (7680).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
slnode="${SLNODE:-slnode}"
first_ip="${FIRST_IP:-127.0.42.11}"
port="${PORT:-7680}"
http="http://${first_ip}:$((port + 80))"
dir="$(mktemp -d /tmp/slnode-studio-XXXXXX)"
export HOME="$dir/home"
mkdir -p "$HOME"
cleanup() {
  "$slnode" down --dir "$dir/cluster" >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT

"$slnode" up --nodes 3 --dir "$dir/cluster" --first-ip "$first_ip" --port "$port" >/dev/null
admin=(--config "$dir/cluster/client.toml")
"$slnode" policy apply "$here/../photo-policy.toml" "${admin[@]}" >/dev/null

declare -A token
for user in studio carla ann dmitri eve visa; do
  token[$user]="$("$slnode" user add "$user" "${admin[@]}" 2>/dev/null)"
done

for f in book pay upload my_photos bookings payments counts; do
  "$slnode" function deploy "$f" "$here/$f.py" "${admin[@]}" --token "${token[studio]}" >/dev/null
done
"$slnode" declassifier add photos-client1 "$here/release_photos.py" --from owner --to client1 "${admin[@]}" >/dev/null
"$slnode" declassifier add photos-client2 "$here/release_photos.py" --from owner --to client2 "${admin[@]}" >/dev/null
# The counts' authority is the owner's level with the tags of photog1's users: a photographer at
# photog1{ann} may call it (photog1{ann} ⊑ owner{ann,ben}), as may the owner and photog2.
"$slnode" declassifier add booking-counts "$here/booking_counts.py" --from 'owner{ann,ben}' --to public "${admin[@]}" >/dev/null

# call USER FUNCTION JSON: prints "<status> <body>" on one line.
call() {
  local body status
  body="$(mktemp "$dir/body-XXXXXX")"
  status="$(curl -sS -X POST -H "Authorization: Bearer ${token[$1]}" \
    -H 'Content-Type: application/json' -d "$3" -o "$body" -w '%{http_code}' \
    "$http/v1/functions/$2")"
  echo "$status $(tr -d '\n' < "$body")"
  rm -f "$body"
}

act() {
  local out
  out="$(call "$@")"
  echo "ACT $1 $2 $out"
  case "$out" in 200\ *) ;; *) echo "run.sh: $1 $2 failed: $out" >&2; exit 1 ;; esac
}

act dmitri book '{"date": "2027-01-10", "photographer": "carla"}'
act eve book '{"date": "2027-01-11", "photographer": "carla"}'
act eve book '{"date": "2027-01-12", "photographer": "ann"}'
act dmitri pay '{"card": "4111-dmitri", "amount": 300}'
act eve pay '{"card": "5500-eve", "amount": 450}'
act carla upload '{"client": "dmitri", "name": "d1.jpg", "data": "pixels-of-dmitri"}'
act carla upload '{"client": "eve", "name": "e1.jpg", "data": "pixels-of-eve"}'

# Uploads and payments are written by child tasks the callers never wait on: give them a moment.
for _ in $(seq 1 100); do
  photos="$(call dmitri my_photos '{}')"
  paid="$(call visa payments '{}')"
  others="$(call eve my_photos '{}')"
  if [[ "$photos" == *d1.jpg* && "$others" == *e1.jpg* && "$paid" == *5500* && "$paid" == *4111* ]]; then
    break
  fi
  sleep 0.2
done

for user in dmitri eve carla ann studio visa; do
  for f in bookings payments my_photos counts; do
    echo "VIEW $user $f $(call "$user" "$f" '{}')"
  done
done
