// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The SQL of the photos table: constant text, values as parameters. The bytes travel as hex
 * text (db_exec speaks text), decoded and encoded by PostgreSQL on its side.
 */
#include "db_photo.h"

#include "common/db.h"
#include "common/strbuf.h"

#include <stdio.h>
#include <stdlib.h>

int
db_photo_insert(const struct photo_image *img)
{
	/* the hash names the bytes: a photo already there is the same photo */
	static const char q[] =
		"INSERT INTO photos (sha256, content_type, width, height, data, thumb)"
		" VALUES ($1, 'image/jpeg', $2, $3, decode($4, 'hex'), decode($5, 'hex'))"
		" ON CONFLICT (sha256) DO NOTHING";
	char wb[16], hb[16];
	struct strbuf data = STRBUF_INIT, thumb = STRBUF_INIT;
	snprintf(wb, sizeof(wb), "%d", img->width);
	snprintf(hb, sizeof(hb), "%d", img->height);
	strbuf_addhex(&data, img->jpeg, img->jpeg_len);
	strbuf_addhex(&thumb, img->thumb, img->thumb_len);
	int rc = db_command(q, DB_PARAMS(img->sha256, wb, hb, data.buf, thumb.buf));
	strbuf_release(&data);
	strbuf_release(&thumb);
	return rc;
}

enum status
db_photo_get(const char *sha256, bool small, char **bytes, size_t *len)
{
	static const char q[] = "SELECT CASE WHEN NOT $3 THEN '' WHEN $2 THEN encode(thumb, 'hex')"
				" ELSE encode(data, 'hex') END FROM photos WHERE sha256 = $1";
	PGresult *res = db_exec(q, DB_PARAMS(sha256, small ? "t" : "f", bytes ? "t" : "f"));
	if (!res)
		return STATUS_UNAVAILABLE;
	enum status st = PQntuples(res) == 1 ? STATUS_OK : STATUS_NOT_FOUND;
	if (st == STATUS_OK && bytes)
		*bytes = db_hex_bytes(PQgetvalue(res, 0, 0), len);
	PQclear(res);
	return st;
}
