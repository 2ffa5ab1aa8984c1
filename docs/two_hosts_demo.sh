#!/usr/bin/env bash
# Two sshd on 127.0.0.1:2201 and :2202 (stand-ins for two GPU nodes), each holding 4 rank files of
# job7, and the viewer following both folders over ssh: the README's "Remote runs" picture. An ssh
# config names them node1 and node2 (Host/HostName/Port), as a cluster's ~/.ssh/config would.
# Usage: demo.sh BUILD_DIR OUT.png
set -euo pipefail
BUILD=$1; OUT=$2
D=$(mktemp -d)
trap 'kill $(cat "$D"/sshd_*.pid 2>/dev/null) 2>/dev/null || true; rm -rf "$D"' EXIT
mkdir -p /run/sshd
ssh-keygen -q -t ed25519 -N '' -f "$D/host_key"; ssh-keygen -q -t ed25519 -N '' -f "$D/user_key"
cp "$D/user_key.pub" "$D/authorized_keys"
for port in 2201 2202; do
    echo "[127.0.0.1]:$port $(cat "$D/host_key.pub")" >> "$D/known_hosts"
    printf 'Host node%s\n    HostName 127.0.0.1\n    Port %s\n' "${port#220}" "$port" >> "$D/ssh_config"
    printf 'Port %s\nListenAddress 127.0.0.1\nHostKey %s\nPidFile %s\nAuthorizedKeysFile %s\nStrictModes no\nPermitRootLogin prohibit-password\nUsePAM no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\nLogLevel ERROR\n' \
        "$port" "$D/host_key" "$D/sshd_$port.pid" "$D/authorized_keys" > "$D/sshd_$port.conf"
    /usr/sbin/sshd -f "$D/sshd_$port.conf"
done
export TELEMETRY_SSH_COMMAND="ssh -F $D/ssh_config -i $D/user_key -o UserKnownHostsFile=$D/known_hosts -o BatchMode=yes -o IdentitiesOnly=yes -o GlobalKnownHostsFile=/dev/null"
# node1 holds ranks 0-3, node2 ranks 4-7 (on this one machine: two folders)
for node in 1 2; do
    mkdir -p "$D/node$node/runs/job7"
    for r in 0 1 2 3; do
        rank=$(( (node - 1) * 4 + r ))
        "$BUILD/bin/example-trainer" --out "$D/node$node/runs/job7/rank$rank.jsonl" --run-id job7 \
            --seed $((rank + 1)) --epochs 3 --steps 300 --rate 0 --error-at -1 --quiet > /dev/null
    done
done
sleep 0.5
QT_QPA_PLATFORM=offscreen "$BUILD/bin/telemetry-viewer" --no-follow --group-by folder --color-by folder \
    --metrics 'step_end/loss$|step_end/metrics/acc|epoch_end/val_loss|step_end/lr' \
    --screenshot "$OUT" --size 1400x900 \
    "ssh://node1$D/node1/runs/job7/" "ssh://node2$D/node2/runs/job7/"
