// SPDX-License-Identifier: AGPL-3.0-or-later

// The outside check of Baladiya's transparency log (tests/integration/tlog.test.mjs runs it):
// Go's golang.org/x/mod/sumdb/tlog and sumdb/note, which the project did not write, verify what
// a running platform serves. Input on stdin, JSON:
//
//	{"base": "http://127.0.0.1:8080", "origin": "official", "vkey": "<note verifier key>",
//	 "payloads": ["<base64 payload of seq 1>", ...], "old_notes": ["<signed checkpoint>", ...],
//	 "inclusion": [{"seq": 3}, {"hash": "<hex event hash>"}], "tamper_proofs": false}
//
// It fetches the latest checkpoint of origin and checks: the note's signature by vkey; the root
// recomputed from the payloads (every event, in seq order); each inclusion proof with
// tlog.CheckRecord; each old checkpoint's signature and its consistency proof with
// tlog.CheckTree; the C2SP hash tiles through tlog.TileHashReader (which checks every tile it
// reads against the checkpoint's root). With tamper_proofs, every proof hash fetched gets one bit
// flipped first (the checks must then fail). Prints one line a check; exits 0 only when all pass.
//
// Run offline: GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE=<tmp> HOME=<tmp> go run main.go
package main

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

type input struct {
	Base      string   `json:"base"`
	Origin    string   `json:"origin"`
	VKey      string   `json:"vkey"`
	Payloads  []string `json:"payloads"`
	OldNotes  []string `json:"old_notes"`
	Inclusion []struct {
		Seq  int64  `json:"seq"`
		Hash string `json:"hash"`
	} `json:"inclusion"`
	TamperProofs bool `json:"tamper_proofs"`
}

type checkpoint struct {
	origin string
	tree   tlog.Tree
}

var failed bool

func report(name string, err error) {
	if err != nil {
		failed = true
		fmt.Printf("FAIL %s: %v\n", name, err)
	} else {
		fmt.Printf("ok   %s\n", name)
	}
}

func get(u string) ([]byte, error) {
	resp, err := http.Get(u)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("GET %s: %d %s", u, resp.StatusCode, body)
	}
	return body, nil
}

// open verifies a signed checkpoint note and parses its body (C2SP tlog-checkpoint).
func open(msg []byte, verifier note.Verifier) (checkpoint, error) {
	n, err := note.Open(msg, note.VerifierList(verifier))
	if err != nil {
		return checkpoint{}, err
	}
	lines := strings.Split(n.Text, "\n")
	if len(lines) != 4 || lines[3] != "" {
		return checkpoint{}, fmt.Errorf("checkpoint body has %d lines", len(lines)-1)
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 {
		return checkpoint{}, fmt.Errorf("bad size %q", lines[1])
	}
	root, err := tlog.ParseHash(lines[2])
	if err != nil {
		return checkpoint{}, err
	}
	return checkpoint{lines[0], tlog.Tree{N: size, Hash: root}}, nil
}

func decodeHashes(list []string, tamper bool) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(list))
	for i, s := range list {
		h, err := tlog.ParseHash(s)
		if err != nil {
			return nil, err
		}
		if tamper {
			h[i%tlog.HashSize] ^= 0x01
		}
		out[i] = h
	}
	return out, nil
}

// memory is a tlog.HashReader over stored hashes built here from the payloads.
type memory []tlog.Hash

func (m memory) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= int64(len(m)) {
			return nil, fmt.Errorf("no stored hash %d", x)
		}
		out[i] = m[x]
	}
	return out, nil
}

// tiles reads C2SP hash tiles (height 8) from the platform.
type tiles struct {
	base, origin string
	read         int
}

func (t *tiles) Height() int { return 8 }

func (t *tiles) ReadTiles(list []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(list))
	for i, tile := range list {
		// Go writes "tile/8/<L>/<N>[.p/<W>]"; C2SP tlog-tiles drops the height
		path := strings.TrimPrefix(tile.Path(), "tile/8/")
		data, err := get(t.base + "/federation/v1/tile/" + url.PathEscape(t.origin) + "/" + path)
		if err != nil {
			return nil, err
		}
		out[i] = data
		t.read++
	}
	return out, nil
}

func (t *tiles) SaveTiles([]tlog.Tile, [][]byte) {}

func main() {
	var in input
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		fmt.Fprintln(os.Stderr, "input:", err)
		os.Exit(2)
	}
	verifier, err := note.NewVerifier(in.VKey)
	if err != nil {
		fmt.Fprintln(os.Stderr, "verifier key:", err)
		os.Exit(2)
	}
	q := "?origin=" + url.QueryEscape(in.Origin)

	// the latest checkpoint, signed by the origin's key
	msg, err := get(in.Base + "/federation/v1/checkpoint" + q)
	if err != nil {
		report("checkpoint fetched", err)
		os.Exit(1)
	}
	cp, err := open(msg, verifier)
	report("checkpoint signature (sumdb/note)", err)
	if err != nil {
		os.Exit(1)
	}
	if cp.origin != verifier.Name() {
		report("checkpoint origin line", fmt.Errorf("%q, key name %q", cp.origin, verifier.Name()))
	}
	fmt.Printf("     checkpoint %s size %d root %s\n", cp.origin, cp.tree.N, cp.tree.Hash)

	// the tree recomputed from the events' payloads
	var stored memory
	var leaves []tlog.Hash
	for i, p := range in.Payloads {
		data, err := base64.StdEncoding.DecodeString(p)
		if err != nil {
			report("payload", err)
			os.Exit(2)
		}
		leaves = append(leaves, tlog.RecordHash(data))
		hashes, err := tlog.StoredHashes(int64(i), data, stored)
		if err != nil {
			report("stored hashes", err)
			os.Exit(1)
		}
		stored = append(stored, hashes...)
	}
	if int64(len(leaves)) < cp.tree.N {
		report("payloads cover the checkpoint", fmt.Errorf("%d payloads, size %d", len(leaves), cp.tree.N))
		os.Exit(1)
	}
	root, err := tlog.TreeHash(cp.tree.N, stored)
	if err == nil && root != cp.tree.Hash {
		err = fmt.Errorf("payloads give %s, checkpoint says %s", root, cp.tree.Hash)
	}
	report("tree hash of the payloads (tlog.TreeHash)", err)

	// inclusion proofs, by seq and by hash, for the checkpoint's size
	for _, inc := range in.Inclusion {
		sel := "seq=" + strconv.FormatInt(inc.Seq, 10)
		if inc.Hash != "" {
			sel = "hash=" + inc.Hash
		}
		name := "inclusion " + sel + " (tlog.CheckRecord)"
		body, err := get(fmt.Sprintf("%s/federation/v1/proof/inclusion%s&%s&size=%d", in.Base, q, sel, cp.tree.N))
		if err != nil {
			report(name, err)
			continue
		}
		var p struct {
			Size, Index, Seq int64
			LeafHash         string `json:"leaf_hash"`
			Proof            []string
			Root             string
		}
		if err := json.Unmarshal(body, &p); err != nil {
			report(name, err)
			continue
		}
		proof, err := decodeHashes(p.Proof, in.TamperProofs)
		if err == nil && (p.Size != cp.tree.N || p.Root != cp.tree.Hash.String()) {
			err = fmt.Errorf("proof for size %d root %s", p.Size, p.Root)
		}
		if err == nil && (p.Index < 0 || p.Index >= int64(len(leaves)) || (inc.Seq != 0 && p.Index != inc.Seq-1)) {
			err = fmt.Errorf("index %d", p.Index)
		}
		if err == nil && p.LeafHash != leaves[p.Index].String() {
			err = fmt.Errorf("leaf hash %s, the payload's is %s", p.LeafHash, leaves[p.Index])
		}
		if err == nil {
			err = tlog.CheckRecord(proof, cp.tree.N, cp.tree.Hash, p.Index, leaves[p.Index])
		}
		report(name, err)
	}

	// earlier checkpoints: signed, and consistent with the latest
	for i, old := range in.OldNotes {
		name := fmt.Sprintf("old checkpoint %d", i)
		ocp, err := open([]byte(old), verifier)
		if err != nil {
			report(name+" signature", err)
			continue
		}
		name = fmt.Sprintf("consistency %d -> %d (tlog.CheckTree)", ocp.tree.N, cp.tree.N)
		body, err := get(fmt.Sprintf("%s/federation/v1/proof/consistency%s&from=%d&to=%d", in.Base, q, ocp.tree.N, cp.tree.N))
		if err != nil {
			report(name, err)
			continue
		}
		var p struct {
			Proof []string
		}
		if err := json.Unmarshal(body, &p); err != nil {
			report(name, err)
			continue
		}
		proof, err := decodeHashes(p.Proof, in.TamperProofs)
		if err == nil {
			err = tlog.CheckTree(proof, cp.tree.N, cp.tree.Hash, ocp.tree.N, ocp.tree.Hash)
		}
		report(name, err)
	}

	// the hash tiles, authenticated against the checkpoint by TileHashReader
	tr := &tiles{base: in.Base, origin: in.Origin}
	reader := tlog.TileHashReader(cp.tree, tr)
	indexes := make([]int64, 0, cp.tree.N)
	for i := int64(0); i < cp.tree.N; i++ {
		indexes = append(indexes, tlog.StoredHashIndex(0, i))
	}
	got, err := reader.ReadHashes(indexes)
	if err == nil {
		for i, h := range got {
			if h != leaves[i] {
				err = fmt.Errorf("tile leaf %d is %s, the payload's is %s", i, h, leaves[i])
				break
			}
		}
	}
	if err == nil {
		var th tlog.Hash
		th, err = tlog.TreeHash(cp.tree.N, reader)
		if err == nil && th != cp.tree.Hash {
			err = errors.New("tiles give another root")
		}
	}
	report(fmt.Sprintf("hash tiles (tlog.TileHashReader, %d tiles)", tr.read), err)

	if failed {
		os.Exit(1)
	}
}
