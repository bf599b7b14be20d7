package tcsim

import "context"

// Backend gives instances a real machine; nil Options.Backend means API-only instances.
//
// tcsim calls a Backend only from its background state-machine goroutines and never while it
// holds its state lock, so a slow Launch (debootstrap, sshd start-up) never blocks API calls.
type Backend interface {
	Launch(ctx context.Context, spec MachineSpec) (Machine, error)
}

// MachineSpec describes the machine a RunInstances or ResetInstance call asks for.
type MachineSpec struct {
	InstanceID     string
	BackingRef     string   // from the image: "debian:bookworm", "debian:trixie", or a ref returned by Machine.Snapshot
	LoginUser      string   // DefaultLoginUser of the image ("root" for Debian public images)
	AuthorizedKeys []string // OpenSSH public keys of LoginSettings.KeyIds
	Password       string
	UserData       string // base64 as sent
	Region         string
	ImageID        string
}

// Machine is one running (or stopped) machine that backs an instance.
type Machine interface {
	Address() string                              // IP used as PrivateIpAddresses[0] and PublicIpAddresses[0]
	Stop(ctx context.Context) error               // StopInstances
	Start(ctx context.Context) error              // StartInstances
	Snapshot(ctx context.Context) (string, error) // CreateImage: returns the new image's BackingRef
	Destroy(ctx context.Context) error            // TerminateInstances, ResetInstance, tcsim shutdown
}
