module github.com/lxcvirt/lxcvirt

go 1.26

require (
	github.com/davecgh/go-xdr v0.0.0-20161123171359-e6a2ba005892 // indirect
	github.com/digitalocean/go-libvirt v0.0.0-20261013170128-efbbdf578ac8 // indirect
	go.uber.org/goleak v1.3.0 // indirect
	golang.org/x/crypto v0.48.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
	libvirt.org/go/libvirtxml v1.12008.0 // indirect
	pgregory.net/rapid v1.3.0 // indirect
)
