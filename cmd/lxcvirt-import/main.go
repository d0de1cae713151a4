// Command lxcvirt-import takes over an existing LXC container: it defines
// a domain of lxcvirtd from the container's config (lxc-create's, under
// LXC's own lxcpath), leaves its root filesystem where it is and the
// container's directory untouched, and with --start starts it under
// lxcvirt. LXC must not be running the container.
//
//	lxcvirt-import [-P LXCPATH] [-c URI] [--start | --print] NAME
package main

import (
	"context"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/lxcvirt/lxcvirt/lxcimport"
	"github.com/lxcvirt/lxcvirt/remote/client"
)

// defaultSockets are where lxcvirtd listens by default: its own socket,
// then libvirt's (--listen-default).
var defaultSockets = []string{"/run/lxcvirt/lxcvirt-sock", "/run/libvirt/virtlxcd-sock"}

func main() {
	var o lxcimport.Options
	flag.StringVar(&o.LXCPath, "P", "/var/lib/lxc", "the `LXCPATH` the container lives in (LXC's lxcpath)")
	flag.StringVar(&o.LXCPath, "lxcpath", "/var/lib/lxc", "the same as -P")
	defURI := os.Getenv("LIBVIRT_DEFAULT_URI")
	if defURI == "" {
		defURI = "lxc:///system"
	}
	var uri string
	flag.StringVar(&uri, "c", defURI, "the lxcvirtd connection `URI` (?socket=PATH names its socket)")
	flag.StringVar(&uri, "connect", defURI, "the same as -c")
	flag.BoolVar(&o.Start, "start", false, "start the domain once defined")
	printOnly := flag.Bool("print", false, "print the domain XML the import would define, and define nothing (no connection)")
	timeout := flag.Duration("timeout", 2*time.Minute, "give up after this long")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: %s [-P LXCPATH] [-c URI] [--start | --print] NAME\n\n"+
			"Defines a domain of lxcvirtd that runs the LXC container NAME of LXCPATH, its root\n"+
			"filesystem where it is; the container's directory is left untouched.\n\n", os.Args[0])
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	o.Name = flag.Arg(0)
	o.Warn = func(m string) { fmt.Fprintln(os.Stderr, "lxcvirt-import: warning:", m) }
	if *printOnly {
		xml, err := lxcimport.Convert(o)
		if err != nil {
			fmt.Fprintln(os.Stderr, "lxcvirt-import:", err)
			os.Exit(1)
		}
		fmt.Println(xml)
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	if err := run(ctx, uri, o); err != nil {
		fmt.Fprintln(os.Stderr, "lxcvirt-import:", err)
		os.Exit(1)
	}
	verb := "defined"
	if o.Start {
		verb = "defined and started"
	}
	fmt.Printf("Domain '%s' %s from LXC container %s/%s\n", o.Name, verb, o.LXCPath, o.Name)
}

func run(ctx context.Context, uri string, o lxcimport.Options) error {
	sock, openURI, err := socketOf(uri)
	if err != nil {
		return err
	}
	c, err := client.Dial(ctx, sock, openURI, client.Options{})
	if err != nil {
		return fmt.Errorf("connect to %s on %s: %w", openURI, sock, err)
	}
	defer c.Close()
	return lxcimport.Import(ctx, o, domains{c})
}

// socketOf is the socket a URI names (?socket=), else the first default
// socket that exists, and the URI to open there (without its query).
func socketOf(uri string) (sock, open string, err error) {
	u, err := url.Parse(uri)
	if err != nil {
		return "", "", fmt.Errorf("connection URI %q: %w", uri, err)
	}
	if u.Scheme != "lxc" {
		return "", "", fmt.Errorf("connection URI %q is not an lxc:// URI", uri)
	}
	sock = u.Query().Get("socket")
	u.RawQuery = ""
	if sock == "" {
		sock = defaultSockets[0]
		for _, s := range defaultSockets {
			if _, err := os.Stat(s); err == nil {
				sock = s
				break
			}
		}
	}
	return sock, u.String(), nil
}
