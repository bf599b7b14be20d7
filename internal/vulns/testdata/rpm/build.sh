#!/bin/sh
# Rebuilds ../rpmroot/var/lib/rpm/rpmdb.sqlite with Debian's rpm package
# (apt-get install rpm): rpm 4.18 writes the sqlite backend that RHEL 9,
# Rocky 9, AlmaLinux 9 and TencentOS Server 4 use.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
build() { # pkg srcname ver rel [epoch]
	rpmbuild -bb --quiet --define "_topdir $work/top" --define "pkg $1" --define "srcname $2" \
		--define "ver $3" --define "rel $4" ${5:+--define "epochnum $5"} "$here/fixture.spec"
}
build glibc glibc 2.34 60.el9
build glibc-common glibc 2.34 60.el9
build openssl-libs openssl 3.0.7 24.el9 1
build openssh-server openssh 8.7p1 38.el9_4.1
db="$here/../rpmroot/var/lib/rpm"
rm -rf "$db" "$work/root"
rpm --root "$work/root" --dbpath /db --initdb
rpm --root "$work/root" --dbpath /db -i --justdb --nodeps --ignorearch --nosignature \
	"$work"/top/RPMS/noarch/*.rpm
mkdir -p "$db"
cp "$work/root/db/rpmdb.sqlite" "$db/"
rpm --root "$work/root" --dbpath /db -qa --qf '%{NAME} %{EPOCH}:%{VERSION}-%{RELEASE} %{SOURCERPM}\n' | sort
