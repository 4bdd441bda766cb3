// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef PROTOCOL_TLOG_H
#define PROTOCOL_TLOG_H

#include "common/strbuf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct signing_key;
struct verify_key;

/*
 * Each origin's event log as a transparency log (docs/protocol.md, "The log as a Merkle tree"):
 * an RFC 6962 / RFC 9162 Merkle tree whose leaf i (0-based) is the event of seq i + 1, over
 * the exact signed payload bytes; checkpoints in the C2SP signed-note format; cosignatures in
 * the C2SP tlog-cosignature format. This part is pure: no database, no network. The same
 * functions serve the servers, the auditor command and the tests.
 *
 * Hashes are stored as in Go's golang.org/x/mod/sumdb/tlog ("stored hashes"): every complete
 * subtree's hash, numbered by tlog_stored_index, so any proof needs O(log n) reads.
 */

#define TLOG_HASH_LEN 32
typedef unsigned char tlog_hash[TLOG_HASH_LEN];

/* SHA-256(0x00 || data[0..len)). */
void tlog_leaf_hash(const void *data, size_t len, tlog_hash out);
/* SHA-256(0x01 || left || right). out may alias left or right. */
void tlog_node_hash(const tlog_hash left, const tlog_hash right, tlog_hash out);

/* The index in the stored-hash sequence of the hash of the complete subtree at level covering
 * leaves [n << level, (n + 1) << level), as Go's tlog.StoredHashIndex. */
long long tlog_stored_index(int level, long long n);
/* How many stored hashes a tree of n leaves has (Go's tlog.StoredHashCount). */
long long tlog_stored_count(long long n);
/* The stored hashes that appending leaf number n (0-based) with hash leaf adds, given a reader
 * for the earlier ones: out[0] is leaf, then each completed parent, in index order, starting at
 * tlog_stored_count(n). Returns how many (1 + trailing ones of n), or -1 when read failed. */
typedef int (*tlog_reader)(void *ctx, const long long *indexes, size_t n, tlog_hash *out);
int tlog_stored_hashes_for(long long n, const tlog_hash leaf, tlog_reader read, void *ctx,
			   tlog_hash out[64]);

/* The root of the tree of the first size leaves, reading stored hashes. size 0 gives
 * SHA-256(""). 0, or -1 when read failed. */
int tlog_tree_hash(long long size, tlog_reader read, void *ctx, tlog_hash out);
/* The root over an in-memory array of leaf hashes (the auditor's offline path). */
void tlog_tree_hash_of(const tlog_hash *leaves, long long size, tlog_hash out);

/*
 * The right edge of a tree (a "compact range" from its left end): the roots of its perfect
 * subtrees, largest first, one per one-bit of the size; enough to extend the tree leaf by leaf
 * and to compute its root without the leaves before. tlog_edge_append adds leaf number n
 * (0-based) to the edge of the tree of n leaves held in edge[0..*k); tlog_edge_root gives the
 * root of the tree an edge of k hashes stands for (SHA-256("") for none).
 */
#define TLOG_EDGE_MAX 64
void tlog_edge_append(tlog_hash edge[TLOG_EDGE_MAX], int *k, long long n, const tlog_hash leaf);
void tlog_edge_root(const tlog_hash edge[TLOG_EDGE_MAX], int k, tlog_hash out);

/* RFC 6962 audit path of leaf index (0-based) in the tree of size leaves: *proof is malloc'd
 * (free()), *n its length. 0, or -1 (index >= size, or read failed). */
int tlog_inclusion_proof(long long size, long long index, tlog_reader read, void *ctx,
			 tlog_hash **proof, size_t *n);
/* RFC 6962 consistency proof from the tree of size from to the tree of size to (0 < from <= to).
 * Same conventions. */
int tlog_consistency_proof(long long from, long long to, tlog_reader read, void *ctx,
			   tlog_hash **proof, size_t *n);
/* Verification (RFC 9162 §2.1.3.2 and §2.1.4.2): true when the proof holds. */
bool tlog_check_inclusion(const tlog_hash *proof, size_t n, long long size, const tlog_hash root,
			  long long index, const tlog_hash leaf);
bool tlog_check_consistency(const tlog_hash *proof, size_t n, long long from,
			    const tlog_hash from_root, long long to, const tlog_hash to_root);

/*
 * C2SP tlog-tiles hash tiles of height 8 (256 hashes): the tile path after ".../tile/" is
 * "<L>/<N>[.p/<W>]", N in groups of three digits, all but the last prefixed with "x"
 * ("x001/x234/067"), ".p/<W>" only for a partial tile (1 <= W <= 255). tlog_tile_parse accepts
 * only that one spelling (L 0..6, N < 10^15): 0, or -1; *width is 256 for a full tile.
 * tlog_tile_path appends the path of (level, index, width) to out.
 */
#define TLOG_TILE_HEIGHT 8
int tlog_tile_parse(const char *path, int *level, long long *index, int *width);
void tlog_tile_path(int level, long long index, int width, struct strbuf *out);

/*
 * Limits on hostile notes: a note (body, blank line and signature lines) is at most
 * TLOG_NOTE_MAX bytes with at most TLOG_NOTE_MAX_SIGS signature lines; a key name (origin line)
 * is 1 to TLOG_NAME_MAX bytes of UTF-8 without controls, Unicode spaces or '+'.
 */
#define TLOG_NOTE_MAX 65536
#define TLOG_NOTE_MAX_SIGS 100
#define TLOG_NAME_MAX 255

/*
 * Checkpoints (C2SP tlog-checkpoint): the note body is "<origin line>\n<size>\n<base64 root>\n".
 * The origin line names one log everywhere: "<platform host>/baladiya/<origin>" (docs/protocol.md).
 */
struct tlog_checkpoint {
	char origin[256];
	long long size;
	tlog_hash root;
};
/* Append the body (the signed text) to out. */
void tlog_checkpoint_body(const struct tlog_checkpoint *cp, struct strbuf *out);
/* Parse a body (exactly three lines, each ending in '\n', no extension lines): 0, or -1. */
int tlog_checkpoint_parse(const char *body, size_t len, struct tlog_checkpoint *cp);

/*
 * Signed notes (C2SP signed-note). The key name is the origin line; an Ed25519 signer's key
 * hash is the first 4 bytes of SHA-256(name || 0x0A || 0x01 || public key), the signature line
 * "— <name> <base64(key hash || signature)>\n". Appends body, the blank line and the signature
 * line to out: 0, or -1.
 */
int tlog_note_sign(const char *body, size_t len, const char *name, const struct signing_key *key,
		   struct strbuf *out);
/* Split a note into its body and its signature lines; 0, or -1 when it is not a note. */
int tlog_note_split(const char *note, size_t len, size_t *body_len, const char **sigs,
		    size_t *sigs_len);
/* true when the note carries a valid Ed25519 signature line by (name, key). */
bool tlog_note_verify(const char *note, size_t len, const char *name, const struct verify_key *key);

/*
 * Cosignatures (C2SP tlog-cosignature, algorithm 0x04): the witness signs
 * "cosignature/v1\ntime <t>\n" followed by the checkpoint body; key hash = first 4 bytes of
 * SHA-256(name || 0x0A || 0x04 || public key); the line is
 * "— <name> <base64(key hash || 8-byte big-endian t || signature)>\n". name is the witness's
 * own origin line. tlog_cosign appends that line to out: 0, or -1.
 */
int tlog_cosign(const char *body, size_t len, const char *name, const struct signing_key *key,
		uint64_t t, struct strbuf *out);
/* true when note (a signed checkpoint, possibly with other cosignatures) carries a valid
 * cosignature by (name, key); *t receives its time. */
bool tlog_cosignature_verify(const char *note, size_t len, const char *name,
			     const struct verify_key *key, uint64_t *t);

#endif
