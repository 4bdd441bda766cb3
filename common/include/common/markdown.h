// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_MARKDOWN_H
#define COMMON_MARKDOWN_H

#include <stddef.h>

/*
 * CommonMark to HTML through libcmark in safe mode: raw HTML is dropped and javascript:,
 * vbscript:, file: and data: (but images) links are removed. The result may be inserted
 * unescaped ({{{...}}}) in templates. Returns a malloc'd string.
 */
char *markdown_to_html(const char *text, size_t len);

#endif
