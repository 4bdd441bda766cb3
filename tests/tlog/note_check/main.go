// SPDX-License-Identifier: AGPL-3.0-or-later

// note_check verifies Baladiya's signed checkpoints with code the project did not write:
// golang.org/x/mod/sumdb/note opens the note (C2SP signed-note, Ed25519) under the origin's
// verifier key, and each cosignature (C2SP tlog-cosignature, type 0x04) is checked by a
// note.Verifier written here over Go's crypto/ed25519, independently of protocol/src/tlog_note.c.
//
// Built offline from Debian's golang-golang-x-mod-dev:
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go run tests/tlog/note_check/main.go \
//	    -note FILE (-vkey '<name>+<hash hex>+<base64(0x01 || public key)>' | -key '<name>+<base64 key>') \
//	    [-witness '<name>+<base64 public key>']... [-size N] [-root BASE64]
//
// Prints one JSON object (origin, size, root, the verified signers, each cosignature's time)
// and exits 0 when the note verifies under the key and every witness named cosigned it, 1 when
// not (the reason on stderr), 2 on bad usage.
package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

// cosigVerifier checks a tlog-cosignature/v1 line: the signature bytes after the key hash are
// an 8-byte big-endian time and an Ed25519 signature over
// "cosignature/v1\ntime <time>\n" followed by the checkpoint body.
type cosigVerifier struct {
	name string
	key  ed25519.PublicKey
	hash uint32
	time *uint64
}

func newCosigVerifier(name string, key ed25519.PublicKey) *cosigVerifier {
	h := sha256.New()
	h.Write([]byte(name))
	h.Write([]byte{'\n', 0x04})
	h.Write(key)
	sum := h.Sum(nil)
	return &cosigVerifier{name: name, key: key, hash: binary.BigEndian.Uint32(sum), time: new(uint64)}
}

func (v *cosigVerifier) Name() string    { return v.name }
func (v *cosigVerifier) KeyHash() uint32 { return v.hash }
func (v *cosigVerifier) Verify(msg, sig []byte) bool {
	if len(sig) != 8+ed25519.SignatureSize {
		return false
	}
	t := binary.BigEndian.Uint64(sig[:8])
	signed := append([]byte(fmt.Sprintf("cosignature/v1\ntime %d\n", t)), msg...)
	if !ed25519.Verify(v.key, signed, sig[8:]) {
		return false
	}
	*v.time = t
	return true
}

type witnesses []string

func (w *witnesses) String() string     { return strings.Join(*w, ",") }
func (w *witnesses) Set(s string) error { *w = append(*w, s); return nil }

// checkpoint reads a C2SP tlog-checkpoint body: origin, decimal size, base64 root (32 bytes).
func checkpoint(text string) (origin string, size uint64, root []byte, err error) {
	lines := strings.Split(text, "\n")
	if len(lines) < 4 || lines[len(lines)-1] != "" {
		return "", 0, nil, errors.New("not a checkpoint body")
	}
	origin = lines[0]
	size, err = strconv.ParseUint(lines[1], 10, 64)
	if err != nil || strconv.FormatUint(size, 10) != lines[1] {
		return "", 0, nil, errors.New("bad tree size")
	}
	root, err = base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(root) != 32 {
		return "", 0, nil, errors.New("bad root hash")
	}
	return origin, size, root, nil
}

// namedKey splits "<name>+<base64 Ed25519 public key>".
func namedKey(s string) (string, ed25519.PublicKey, bool) {
	i := strings.Index(s, "+") // a name holds no plus; base64 may
	if i <= 0 {
		return "", nil, false
	}
	pub, err := base64.StdEncoding.DecodeString(s[i+1:])
	if err != nil || len(pub) != ed25519.PublicKeySize {
		return "", nil, false
	}
	return s[:i], ed25519.PublicKey(pub), true
}

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "note_check: "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	path := flag.String("note", "", "the signed checkpoint note")
	vkey := flag.String("vkey", "", "the origin's verifier key")
	okey := flag.String("key", "", "or <name>+<base64 Ed25519 public key>: the vkey is made by note.NewEd25519VerifierKey")
	wantSize := flag.Int64("size", -1, "the tree size the checkpoint must state")
	wantRoot := flag.String("root", "", "the root hash (base64) the checkpoint must state")
	var ws witnesses
	flag.Var(&ws, "witness", "<name>+<base64 Ed25519 public key> of a required cosigner")
	flag.Parse()
	if *vkey == "" && *okey != "" {
		name, pub, ok := namedKey(*okey)
		if ok {
			*vkey, _ = note.NewEd25519VerifierKey(name, pub)
		}
	}
	if *path == "" || *vkey == "" {
		flag.Usage()
		os.Exit(2)
	}
	msg, err := os.ReadFile(*path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	origin, err := note.NewVerifier(*vkey)
	if err != nil {
		fmt.Fprintf(os.Stderr, "note_check: verifier key: %v\n", err)
		os.Exit(2)
	}
	list := []note.Verifier{origin}
	var cosigners []*cosigVerifier
	for _, w := range ws {
		name, pub, ok := namedKey(w)
		if !ok {
			fmt.Fprintf(os.Stderr, "note_check: bad -witness %q\n", w)
			os.Exit(2)
		}
		c := newCosigVerifier(name, pub)
		cosigners = append(cosigners, c)
		list = append(list, c)
	}
	n, err := note.Open(msg, note.VerifierList(list...))
	if err != nil {
		fail("%v", err)
	}
	verified := map[string]bool{}
	var names []string
	for _, s := range n.Sigs {
		verified[fmt.Sprintf("%s/%08x", s.Name, s.Hash)] = true
		names = append(names, s.Name)
	}
	if !verified[fmt.Sprintf("%s/%08x", origin.Name(), origin.KeyHash())] {
		fail("not signed by %s", origin.Name())
	}
	times := map[string]uint64{}
	for _, c := range cosigners {
		if !verified[fmt.Sprintf("%s/%08x", c.name, c.hash)] {
			fail("no valid cosignature by %s", c.name)
		}
		times[c.name] = *c.time
	}
	o, size, root, err := checkpoint(n.Text)
	if err != nil {
		fail("%v", err)
	}
	if o != origin.Name() {
		fail("origin line %q is not the key name %q", o, origin.Name())
	}
	if *wantSize >= 0 && uint64(*wantSize) != size {
		fail("size %d, expected %d", size, *wantSize)
	}
	if *wantRoot != "" {
		want, err := base64.StdEncoding.DecodeString(*wantRoot)
		if err != nil || !bytes.Equal(want, root) {
			fail("root %s, expected %s", base64.StdEncoding.EncodeToString(root), *wantRoot)
		}
	}
	out, _ := json.Marshal(map[string]interface{}{
		"origin": o, "size": size, "root": base64.StdEncoding.EncodeToString(root),
		"verified": names, "cosigned": times,
	})
	fmt.Println(string(out))
}
