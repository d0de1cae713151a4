// Package driver is lxcvirt's LXC domain driver: definitions, state,
// autostart, events and locking, behind the driverapi.Driver contract that
// the wire server calls across the plugin boundary. It maps domain XML
// with package xmlmap and runs containers only through package lxc.
package driver
