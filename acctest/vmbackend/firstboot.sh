#!/bin/sh
# tcsim first boot (installed into tcsim VM images as /usr/local/lib/hardened/firstboot,
# run by hardened-firstboot.service on every boot before sshd).
#
# It does the part of cloud-init that a tcsim RunInstances carries, reading the seed
# QEMU passes through fw_cfg: every boot the NIC address and the route to the apt
# proxy (and apt's proxy setting); once per instance id the host name, fresh SSH host keys, the login user with
# its authorized keys (and password) and a user-data script.
set -eu
seed=/sys/firmware/qemu_fw_cfg/by_name/opt/hardened
modprobe qemu_fw_cfg 2>/dev/null || true
if [ ! -r "$seed/meta/raw" ]; then
  echo "firstboot: no tcsim seed in fw_cfg ($seed/meta): nothing to do"
  exit 0
fi
meta() { sed -n "s/^$1=//p" "$seed/meta/raw" | head -n1; }
id=$(meta instance-id); mac=$(meta mac); addr=$(meta address); gw=$(meta gateway)
proxy=$(meta proxy); host=$(meta hostname); user=$(meta login-user)

# Network: the NIC with the seed's MAC (its name depends on udev's naming).
dev=""
for _ in $(seq 1 100); do
  for d in /sys/class/net/*; do
    [ "$(cat "$d/address" 2>/dev/null)" = "$mac" ] && dev=${d##*/}
  done
  [ -n "$dev" ] && break
  sleep 0.1
done
[ -n "$dev" ] || { echo "firstboot: no NIC with MAC $mac" >&2; exit 1; }
ip link set "$dev" up
ip addr replace "$addr" dev "$dev"
if [ -n "$proxy" ]; then
  ip route replace "$proxy/32" via "$gw" dev "$dev"
  # Like a sandbox: apt goes through tcsim's host proxy, the only way out. The
  # unit's ExecStop removes the file again, so a stopped VM's image lacks it.
  printf 'Acquire::http::Proxy "http://%s:3142";\n' "$proxy" >/etc/apt/apt.conf.d/00hsb-proxy
fi

state=/var/lib/hardened-firstboot
if [ "$(cat "$state/instance-id" 2>/dev/null)" != "$id" ]; then
  echo "firstboot: first boot of instance $id"
  echo "$host" >/etc/hostname
  hostname "$host"
  grep -q "[[:space:]]$host\$" /etc/hosts || printf '127.0.1.1\t%s\n' "$host" >>/etc/hosts
  # A new instance never shares host keys with the machine its image was made from.
  rm -f /etc/ssh/ssh_host_*
  if [ "$user" = root ]; then
    home=/root
  else
    id -u "$user" >/dev/null 2>&1 || useradd -m -s /bin/bash "$user"
    for g in adm sudo; do getent group "$g" >/dev/null && usermod -aG "$g" "$user"; done
    printf '%s ALL=(ALL) NOPASSWD:ALL\n' "$user" >/etc/sudoers.d/90-cloud-init-users
    chmod 0440 /etc/sudoers.d/90-cloud-init-users
    home=$(getent passwd "$user" | cut -d: -f6)
  fi
  install -d -m 0700 -o "$user" -g "$(id -gn "$user")" "$home/.ssh"
  install -m 0600 -o "$user" -g "$(id -gn "$user")" "$seed/authorized-keys/raw" "$home/.ssh/authorized_keys"
  if [ -r "$seed/password/raw" ]; then
    printf '%s:%s\n' "$user" "$(cat "$seed/password/raw")" | chpasswd
  fi
  mkdir -p "$state" /var/lib/cloud/instance
  if [ -r "$seed/user-data/raw" ]; then
    cp "$seed/user-data/raw" /var/lib/cloud/instance/user-data.txt
    if [ "$(head -c2 /var/lib/cloud/instance/user-data.txt)" = '#!' ]; then
      chmod 0700 /var/lib/cloud/instance/user-data.txt
      /var/lib/cloud/instance/user-data.txt >>/var/log/cloud-init-output.log 2>&1 || \
        echo "firstboot: user data exited $?" >&2
    fi
  fi
  echo "$id" >"$state/instance-id"
fi
# Image cleanup removes host keys; sshd does not start without them.
ls /etc/ssh/ssh_host_*_key >/dev/null 2>&1 || ssh-keygen -A
