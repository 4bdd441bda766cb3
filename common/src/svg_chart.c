// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Server-rendered SVG bar charts (budget pages): integer geometry in a fixed viewBox that
 * scales with the page, text escaped, no styles or scripts, mirrored for right-to-left pages.
 */
#include "common/svg_chart.h"

#include "common/html.h"

#include <string.h>

#define CHART_WIDTH 480 /* drawn at this size, shrunk on narrower screens */
#define CHART_PAD 8
#define LABEL_MAX_CHARS 64 /* each label sits on its own line above its bars */
#define LABEL_HEIGHT 20
#define BAR_GAP 6
#define BAR_HEIGHT 14
#define BAR_SPACING 3
#define GROUP_SPACING 12
#define LEGEND_HEIGHT 30
#define CHAR_WIDTH 7 /* a generous average advance at font-size 12-13 */

/* Fill colours with at least 3:1 contrast on white, the first ones told apart by lightness. */
static const char *const series_fill[SVG_CHART_MAX_SERIES] = {"#6f8c82", "#0b6e4f", "#b3261e",
							      "#4a4a4f"};

static size_t
utf8_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* s escaped, cut to max characters (an ellipsis marks the cut). */
static void
add_text(struct strbuf *out, const char *s, size_t max)
{
	size_t chars = 0, i = 0;
	if (utf8_chars(s) <= max) {
		html_escape(out, s, strlen(s));
		return;
	}
	for (; s[i]; i++) {
		if (((unsigned char)s[i] & 0xC0) != 0x80 && ++chars == max)
			break;
	}
	html_escape(out, s, i);
	strbuf_addstr(out, "\xE2\x80\xA6");
}

/* x of a point given left to right, mirrored when the chart is right to left. */
static long
at(const struct svg_bar_chart *c, long x)
{
	return c->rtl ? CHART_WIDTH - x : x;
}

/* A text whose start is at x (left to right): on a mirrored chart it ends there instead. */
static void
add_label(struct strbuf *out, const struct svg_bar_chart *c, long x, long y, const char *text,
	  size_t max)
{
	strbuf_addf(out, "<text x=\"%ld\" y=\"%ld\" text-anchor=\"%s\">", at(c, x), y,
		    c->rtl ? "end" : "start");
	add_text(out, text, max);
	strbuf_addstr(out, "</text>");
}

static void
add_rect(struct strbuf *out, const struct svg_bar_chart *c, long x, long y, long w, long h,
	 const char *fill)
{
	strbuf_addf(out, "<rect x=\"%ld\" y=\"%ld\" width=\"%ld\" height=\"%ld\" fill=\"%s\"/>",
		    c->rtl ? CHART_WIDTH - x - w : x, y, w, h, fill);
}

void
svg_bar_chart(struct strbuf *out, const struct svg_bar_chart *c)
{
	size_t ns = c->nseries < 1 ? 1
				   : (c->nseries > SVG_CHART_MAX_SERIES ? SVG_CHART_MAX_SERIES
									: c->nseries);
	long long max = 0;
	size_t text_chars = 4;
	for (size_t g = 0; g < c->ngroups; g++)
		for (size_t s = 0; s < ns; s++) {
			if (c->groups[g].values[s] > max)
				max = c->groups[g].values[s];
			if (c->groups[g].texts[s] && utf8_chars(c->groups[g].texts[s]) > text_chars)
				text_chars = utf8_chars(c->groups[g].texts[s]);
		}
	long value_width = (long)text_chars * CHAR_WIDTH + BAR_GAP;
	if (value_width > 160)
		value_width = 160;
	long x0 = CHART_PAD;
	long area = CHART_WIDTH - CHART_PAD - x0 - value_width;
	long bars_h = (long)ns * BAR_HEIGHT + ((long)ns - 1) * BAR_SPACING;
	long group_h = LABEL_HEIGHT + bars_h;
	long height = LEGEND_HEIGHT + (long)c->ngroups * (group_h + GROUP_SPACING) + CHART_PAD;

	/* a fixed height with "meet": drawn at its natural size on wide screens (a width of 100%
	 * and no height would blow it up), shrunk to fit on narrow ones, against the start side */
	strbuf_addf(out,
		    "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
		    "aria-labelledby=\"%s-title\"",
		    c->id);
	if (c->desc)
		strbuf_addf(out, " aria-describedby=\"%s-desc\"", c->id);
	strbuf_addf(out,
		    " viewBox=\"0 0 %d %ld\" width=\"100%%\" height=\"%ld\""
		    " preserveAspectRatio=\"%s meet\" direction=\"ltr\" font-size=\"13\""
		    " fill=\"#1c1b1f\">",
		    CHART_WIDTH, height, height, c->rtl ? "xMaxYMin" : "xMinYMin");
	strbuf_addf(out, "<title id=\"%s-title\">", c->id);
	html_escape(out, c->title, strlen(c->title));
	strbuf_addstr(out, "</title>");
	if (c->desc) {
		strbuf_addf(out, "<desc id=\"%s-desc\">", c->id);
		html_escape(out, c->desc, strlen(c->desc));
		strbuf_addstr(out, "</desc>");
	}

	/* the legend, one swatch per series */
	long lx = CHART_PAD;
	for (size_t s = 0; s < ns; s++) {
		const char *name = c->series[s] ? c->series[s] : "";
		add_rect(out, c, lx, 8, 12, 12, series_fill[s]);
		add_label(out, c, lx + 18, 19, name, 40);
		lx += 18 + (long)utf8_chars(name) * CHAR_WIDTH + 24;
	}

	/* the value axis */
	strbuf_addf(out, "<line x1=\"%ld\" y1=\"%d\" x2=\"%ld\" y2=\"%ld\" stroke=\"#4a4a4f\"/>",
		    at(c, x0), LEGEND_HEIGHT, at(c, x0), height - CHART_PAD);

	long y = LEGEND_HEIGHT;
	for (size_t g = 0; g < c->ngroups; g++) {
		const struct svg_bar_group *grp = &c->groups[g];
		add_label(out, c, x0 + 4, y + LABEL_HEIGHT - 6, grp->label ? grp->label : "",
			  LABEL_MAX_CHARS);
		for (size_t s = 0; s < ns; s++) {
			long long v = grp->values[s] > 0 ? grp->values[s] : 0;
			long w = max > 0 ? (long)((long double)v * area / max + 0.5L) : 0;
			if (v > 0 && w < 1)
				w = 1; /* a small amount is not nothing */
			long by = y + LABEL_HEIGHT + (long)s * (BAR_HEIGHT + BAR_SPACING);
			add_rect(out, c, x0, by, w, BAR_HEIGHT, series_fill[s]);
			if (grp->texts[s]) {
				strbuf_addstr(out, "<g font-size=\"12\">");
				add_label(out, c, x0 + w + 4, by + BAR_HEIGHT - 3, grp->texts[s],
					  40);
				strbuf_addstr(out, "</g>");
			}
		}
		y += group_h + GROUP_SPACING;
	}
	strbuf_addstr(out, "</svg>");
}
