// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Unit tests for the Mustache engine: every case of the official spec files (run through both
 * mustache_render and a template_set), plus the set's cache, concurrent rendering, syntax
 * errors, and the HTML escaping and UTF-8 checks the engine's output depends on.
 */
#include "common/html.h"
#include "common/template.h"

#include <dirent.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define SPEC_MAIN "(spec template)"

/* Templates for the loaders: partials from a spec case, or a fixed table. */
struct spec_loader {
	const json_t *partials;
	const char *main; /* served as SPEC_MAIN when not NULL */
};

static int
spec_load(void *ctx, const char *name, struct strbuf *out)
{
	const struct spec_loader *l = ctx;

	if (l->main && strcmp(name, SPEC_MAIN) == 0) {
		strbuf_addstr(out, l->main);
		return 0;
	}
	const json_t *v = json_object_get(l->partials, name);
	if (!json_is_string(v))
		return -1;
	strbuf_add(out, json_string_value(v), json_string_length(v));
	return 0;
}

static void
print_failure(const char *file, const char *how, const json_t *tc, const char *got)
{
	printf("FAIL %s: %s (%s)\n  desc: %s\n  template: %s\n  expected: [%s]\n  got:      [%s]\n",
	       file, json_string_value(json_object_get(tc, "name")), how,
	       json_string_value(json_object_get(tc, "desc")),
	       json_string_value(json_object_get(tc, "template")),
	       json_string_value(json_object_get(tc, "expected")), got);
}

/* Run one case both ways; true when both give the expected output. */
static bool
run_spec_case(const char *file, const json_t *tc)
{
	const char *tmpl = json_string_value(json_object_get(tc, "template"));
	const json_t *expected = json_object_get(tc, "expected");
	const json_t *data = json_object_get(tc, "data");
	struct spec_loader loader = {json_object_get(tc, "partials"), NULL};
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	bool ok = true;

	assert_non_null(tmpl);
	assert_non_null(expected);
	if (mustache_render(tmpl, strlen(tmpl), data, spec_load, &loader, &out, &err) < 0) {
		strbuf_addf(&out, "<error: %s>", err.buf);
		ok = false;
	} else if (!strbuf_equals(&out, json_string_value(expected))) {
		ok = false;
	}
	if (!ok)
		print_failure(file, "mustache_render", tc, out.buf);

	loader.main = tmpl;
	struct template_set *set = template_set_new(spec_load, &loader);
	strbuf_reset(&out);
	bool set_ok = template_render(set, SPEC_MAIN, data, &out) == 0 &&
		      strbuf_equals(&out, json_string_value(expected));
	if (!set_ok)
		print_failure(file, "template_set", tc, out.buf);
	template_set_free(set);

	strbuf_release(&out);
	strbuf_release(&err);
	return ok && set_ok;
}

static int
compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
test_mustache_spec(void **state)
{
	(void)state;
	const char *dir = SHARED_SPEC_DIR "/mustache";
	char *names[64];
	size_t nnames = 0;
	int total = 0, passed = 0;

	DIR *d = opendir(dir);
	assert_non_null(d);
	struct dirent *de;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (len < 6 || strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		assert_true(nnames < sizeof(names) / sizeof(names[0]));
		names[nnames++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, nnames, sizeof(names[0]), compare_names);
	assert_true(nnames >= 8);

	for (size_t f = 0; f < nnames; f++) {
		char path[4096];
		json_error_t jerr;
		snprintf(path, sizeof(path), "%s/%s", dir, names[f]);
		json_t *spec = json_load_file(path, 0, &jerr);
		if (!spec)
			fail_msg("%s: %s", path, jerr.text);
		const json_t *tests = json_object_get(spec, "tests");
		assert_true(json_is_array(tests));

		int file_passed = 0;
		size_t i;
		const json_t *tc;
		json_array_foreach(tests, i, tc)
		{
			if (run_spec_case(names[f], tc))
				file_passed++;
		}
		printf("mustache spec: %s %d/%zu passed\n", names[f], file_passed,
		       json_array_size(tests));
		total += (int)json_array_size(tests);
		passed += file_passed;
		json_decref(spec);
		free(names[f]);
	}
	printf("mustache spec: total %d/%d passed\n", passed, total);
	assert_true(total > 0);
	assert_int_equal(passed, total);
}

/* Escaping and UTF-8. */
static void
assert_escapes_n(const char *in, size_t len, const char *want, size_t want_len)
{
	struct strbuf out = STRBUF_INIT;
	html_escape(&out, in, len);
	assert_int_equal(out.len, want_len);
	assert_memory_equal(out.buf, want, out.len);
	strbuf_release(&out);
}

static void
assert_escapes(const char *in, size_t len, const char *want)
{
	assert_escapes_n(in, len, want, strlen(want));
}

static void
test_html_escape(void **state)
{
	(void)state;
	const char *s;

	s = "<script>alert(\"x\")</script>";
	assert_escapes(s, strlen(s), "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
	s = "It's \"quoted\" & 'single'";
	assert_escapes(s, strlen(s), "It&#39;s &quot;quoted&quot; &amp; &#39;single&#39;");
	s = "\" onmouseover='alert(1)' x=\"";
	assert_escapes(s, strlen(s), "&quot; onmouseover=&#39;alert(1)&#39; x=&quot;");
	s = "&amp;";
	assert_escapes(s, strlen(s), "&amp;amp;");
	/* U+202E RIGHT-TO-LEFT OVERRIDE and Arabic text pass through unchanged. */
	s = "\xE2\x80\xAE"
	    "gnp.exe \xD8\xA8\xD9\x84\xD8\xAF\xD9\x8A\xD8\xA9";
	assert_escapes(s, strlen(s), s);
	assert_escapes("", 0, "");
	assert_escapes_n("a\0<", 3, "a\0&lt;", 6);

	/* Appends, and the engine uses it for {{x}} but not {{{x}}}. */
	struct strbuf out = STRBUF_INIT;
	strbuf_addstr(&out, "x:");
	html_escape(&out, "<>", 2);
	assert_string_equal(out.buf, "x:&lt;&gt;");
	strbuf_reset(&out);
	json_t *data = json_pack("{s:s}", "v", "<b title='t'>\xE2\x80\xAE</b>");
	const char *tmpl = "{{v}}|{{{v}}}|{{&v}}";
	assert_int_equal(mustache_render(tmpl, strlen(tmpl), data, NULL, NULL, &out, NULL), 0);
	assert_string_equal(out.buf, "&lt;b title=&#39;t&#39;&gt;\xE2\x80\xAE&lt;/b&gt;|"
				     "<b title='t'>\xE2\x80\xAE</b>|<b title='t'>\xE2\x80\xAE</b>");
	json_decref(data);
	strbuf_release(&out);
}

static void
test_utf8_is_valid(void **state)
{
	(void)state;
	static const char *const good[] = {
		"",
		"plain ASCII ~",
		"\xC3\xA9t\xC3\xA9", /* été */
		"\xE2\x82\xAC",      /* U+20AC */
		"\xF0\x9D\x84\x9E",  /* U+1D11E */
		"\xF4\x8F\xBF\xBF",  /* U+10FFFF */
		"\xED\x9F\xBF",      /* U+D7FF, just below surrogates */
		"\xEE\x80\x80",      /* U+E000, just above */
		"\xC2\x80",          /* U+0080 */
		"\xE0\xA0\x80",      /* U+0800 */
		"\xF0\x90\x80\x80",  /* U+10000 */
		"\xE2\x80\xAE",      /* U+202E RLO is well-formed */
		"\xD8\xA7\xD9\x84\xD8\xAC\xD8\xB2\xD8\xA7\xD8\xA6\xD8\xB1", /* الجزائر */
	};
	static const char *const bad[] = {
		"\xC0\xAF",             /* overlong '/' */
		"\xC1\xBF",             /* overlong */
		"\xE0\x80\xAF",         /* overlong */
		"\xE0\x9F\xBF",         /* overlong U+07FF */
		"\xF0\x80\x80\xAF",     /* overlong */
		"\xF0\x8F\xBF\xBF",     /* overlong U+FFFF */
		"\xED\xA0\x80",         /* U+D800 */
		"\xED\xBF\xBF",         /* U+DFFF */
		"\xF4\x90\x80\x80",     /* U+110000 */
		"\xF5\x80\x80\x80",     /* past U+10FFFF */
		"\xF8\x88\x80\x80\x80", /* five bytes */
		"\xFE",
		"\xFF",
		"\x80",         /* lone continuation */
		"a\xBF",        /* lone continuation */
		"\xC3",         /* truncated */
		"\xE2\x82",     /* truncated */
		"\xF0\x9D\x84", /* truncated */
		"\xC3(",        /* bad continuation */
		"\xE2\x28\xA1", /* bad continuation */
		"\xE2\x82\x28", /* bad continuation */
	};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!utf8_is_valid(good[i], strlen(good[i])))
			fail_msg("good[%zu] rejected", i);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (utf8_is_valid(bad[i], strlen(bad[i])))
			fail_msg("bad[%zu] accepted", i);
	assert_false(utf8_is_valid("a\0b", 3));
	assert_false(utf8_is_valid("\0", 1));
	/* Only len bytes count: a truncated sequence cut by len is invalid. */
	assert_false(utf8_is_valid("\xE2\x82\xAC", 2));
	assert_true(utf8_is_valid("ok\xC3", 2));
}

/* A fixed table of templates that counts its loads. */
struct table_loader {
	const char *const (*entries)[2];
	size_t nr;
	atomic_int loads;
};

static int
table_load(void *ctx, const char *name, struct strbuf *out)
{
	struct table_loader *l = ctx;

	atomic_fetch_add(&l->loads, 1);
	for (size_t i = 0; i < l->nr; i++) {
		if (strcmp(l->entries[i][0], name) == 0) {
			strbuf_addstr(out, l->entries[i][1]);
			return 0;
		}
	}
	return -1;
}

static const char *const site_templates[][2] = {
	{"layout", "<!doctype html>\n"
		   "<html lang=\"{{lang}}\">\n"
		   "<head><title>{{$title}}Baladiya{{/title}}</title></head>\n"
		   "<body>\n"
		   "  <main>\n"
		   "    {{$content}}\n"
		   "    <p>empty</p>\n"
		   "    {{/content}}\n"
		   "  </main>\n"
		   "  {{>footer}}\n"
		   "</body>\n"
		   "</html>\n"},
	{"footer", "<footer>\n  <p>{{commune}}</p>\n</footer>\n"},
	{"news", "{{<layout}}\n"
		 "{{$title}}{{heading}} - {{commune}}{{/title}}\n"
		 "{{$content}}\n"
		 "<h1>{{heading}}</h1>\n"
		 "<ul>\n"
		 "  {{#items}}\n"
		 "  {{>item}}\n"
		 "  {{/items}}\n"
		 "</ul>\n"
		 "{{^items}}\n"
		 "<p>no news</p>\n"
		 "{{/items}}\n"
		 "{{/content}}\n"
		 "{{/layout}}\n"},
	{"item", "<li id=\"n{{id}}\">{{title}}</li>\n"},
	{"broken", "line one\n{{#open}}\nnever closed\n"},
	{"uses-broken", "before {{>broken}} after"},
	{"loop", "{{>loop}}"},
};

static const char news_expected[] =
	"<!doctype html>\n"
	"<html lang=\"ar\">\n"
	"<head><title>Actualit\xC3\xA9s - Tizi &lt;Ouzou&gt;</title></head>\n"
	"<body>\n"
	"  <main>\n"
	"    <h1>Actualit\xC3\xA9s</h1>\n"
	"    <ul>\n"
	"      <li id=\"n1\">Route &amp; eau</li>\n"
	"      <li id=\"n2\">&quot;March\xC3\xA9&quot;</li>\n"
	"    </ul>\n"
	"  </main>\n"
	"  <footer>\n"
	"    <p>Tizi &lt;Ouzou&gt;</p>\n"
	"  </footer>\n"
	"</body>\n"
	"</html>\n";

static json_t *
news_data(void)
{
	return json_pack("{s:s, s:s, s:s, s:[{s:i, s:s}, {s:i, s:s}]}", "lang", "ar", "commune",
			 "Tizi <Ouzou>", "heading", "Actualit\xC3\xA9s", "items", "id", 1, "title",
			 "Route & eau", "id", 2, "title", "\"March\xC3\xA9\"");
}

static void
test_set_cache(void **state)
{
	(void)state;
	struct table_loader loader = {site_templates,
				      sizeof(site_templates) / sizeof(site_templates[0]), 0};
	struct template_set *set = template_set_new(table_load, &loader);
	struct strbuf out = STRBUF_INIT;
	json_t *data = news_data();

	assert_int_equal(template_render(set, "news", data, &out), 0);
	assert_string_equal(out.buf, news_expected);
	int loads = atomic_load(&loader.loads);
	assert_int_equal(loads, 4); /* news, layout, item, footer: each once */

	strbuf_reset(&out);
	assert_int_equal(template_render(set, "news", data, &out), 0);
	assert_string_equal(out.buf, news_expected);
	assert_int_equal(atomic_load(&loader.loads), loads);

	/* An empty list takes the inverted section. */
	strbuf_reset(&out);
	json_object_set_new(data, "items", json_array());
	assert_int_equal(template_render(set, "news", data, &out), 0);
	assert_non_null(strstr(out.buf, "\n    <p>no news</p>\n  </main>\n"));

	/* Missing: -1 each time, and the loader is asked again (misses are not cached). */
	strbuf_reset(&out);
	assert_int_equal(template_render(set, "no-such-page", data, &out), -1);
	assert_int_equal(template_render(set, "no-such-page", data, &out), -1);
	assert_int_equal(atomic_load(&loader.loads), loads + 2);

	/* A syntax error is parsed (and logged) once, and fails every render, also as a partial. */
	loads = atomic_load(&loader.loads);
	assert_int_equal(template_render(set, "broken", data, &out), -1);
	assert_int_equal(template_render(set, "broken", data, &out), -1);
	assert_int_equal(template_render(set, "uses-broken", data, &out), -1);
	assert_int_equal(atomic_load(&loader.loads), loads + 2);

	/* Endless recursion is cut off instead of overflowing the stack. */
	assert_int_equal(template_render(set, "loop", data, &out), -1);

	json_decref(data);
	strbuf_release(&out);
	template_set_free(set);
}

struct worker {
	struct template_set *set;
	int failures;
};

static void *
render_many(void *arg)
{
	struct worker *w = arg;
	json_t *data = news_data();
	struct strbuf out = STRBUF_INIT;

	for (int i = 0; i < 300; i++) {
		strbuf_reset(&out);
		if (template_render(w->set, "news", data, &out) < 0 ||
		    !strbuf_equals(&out, news_expected))
			w->failures++;
	}
	strbuf_release(&out);
	json_decref(data);
	return NULL;
}

static void
test_concurrent_render(void **state)
{
	(void)state;
	struct table_loader loader = {site_templates,
				      sizeof(site_templates) / sizeof(site_templates[0]), 0};
	struct template_set *set = template_set_new(table_load, &loader);
	struct worker workers[4];
	pthread_t threads[4];

	/* Start cold, so the threads also race to fill the cache. */
	for (int i = 0; i < 4; i++) {
		workers[i] = (struct worker){set, 0};
		assert_int_equal(pthread_create(&threads[i], NULL, render_many, &workers[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(threads[i], NULL), 0);
		assert_int_equal(workers[i].failures, 0);
	}
	/* Four names, each loaded at most once per racing thread and cached after. */
	assert_true(atomic_load(&loader.loads) >= 4 && atomic_load(&loader.loads) <= 16);
	template_set_free(set);
}

static void
assert_syntax_error(const char *tmpl, const char *reason)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;

	assert_int_equal(mustache_render(tmpl, strlen(tmpl), NULL, NULL, NULL, &out, &err), -1);
	if (!strstr(err.buf, reason))
		fail_msg("template [%s]: reason [%s] lacks [%s]", tmpl, err.buf, reason);
	strbuf_release(&out);
	strbuf_release(&err);
}

static void
test_syntax_errors(void **state)
{
	(void)state;
	assert_syntax_error("a\n{{#open}}\nb\n", "line 2: section \"open\" is never closed");
	assert_syntax_error("{{#a}}\n{{#b}}\n{{/a}}\n{{/b}}", "line 3: closing tag \"a\" does not "
							      "match \"b\" opened on line 2");
	assert_syntax_error("x\n\n{{/a}}", "line 3: closing tag \"a\" without an open section");
	assert_syntax_error("x\ny {{name", "line 2: unclosed tag");
	assert_syntax_error("{{{name}}", "line 1: unclosed tag");
	assert_syntax_error("\n\n\n{{=<% %>}}", "line 4: unclosed tag");
	assert_syntax_error("{{= a b c =}}", "line 1: bad delimiter change");
	assert_syntax_error("{{=<%=}}", "line 1: bad delimiter change");
	assert_syntax_error("{{!\n\n}}{{}}", "line 3: empty tag");
	assert_syntax_error("{{a b}}", "line 1: bad tag name");
	assert_syntax_error("{{a..b}}", "line 1: bad tag name");
	assert_syntax_error("{{<layout}}\n{{$title}}x{{/layout}}",
			    "line 2: closing tag \"layout\" does not match \"title\"");

	/* A partial's error names the partial. */
	json_t *partials = json_pack("{s:s}", "p", "ok\n{{#x}}");
	struct spec_loader loader = {partials, NULL};
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;
	assert_int_equal(mustache_render("{{>p}}", 6, NULL, spec_load, &loader, &out, &err), -1);
	assert_string_equal(err.buf, "partial \"p\": line 2: section \"x\" is never closed");
	/* Without err, errors are still reported by the return value. */
	assert_int_equal(mustache_render("{{#x}}", 6, NULL, NULL, NULL, &out, NULL), -1);
	json_decref(partials);
	strbuf_release(&out);
	strbuf_release(&err);
}

static void
assert_renders(const char *tmpl, const char *data_json, const char *want)
{
	json_t *data = data_json ? json_loads(data_json, JSON_DECODE_ANY, NULL) : NULL;
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;

	if (data_json)
		assert_non_null(data);
	if (mustache_render(tmpl, strlen(tmpl), data, NULL, NULL, &out, &err) < 0)
		fail_msg("template [%s]: %s", tmpl, err.buf);
	if (!strbuf_equals(&out, want))
		fail_msg("template [%s]: got [%s], want [%s]", tmpl, out.buf, want);
	json_decref(data);
	strbuf_release(&out);
	strbuf_release(&err);
}

static void
test_values(void **state)
{
	(void)state;
	assert_renders("{{a}} {{b}} {{c}} {{d}}",
		       "{\"a\": 0.1, \"b\": 1e300, \"c\": -7, \"d\": 2.5}", "0.1 1e+300 -7 2.5");
	assert_renders("{{x}}", "{\"x\": 0.30000000000000004}", "0.30000000000000004");
	assert_renders("{{t}}/{{f}}/{{n}}/{{o}}/{{l}}",
		       "{\"t\": true, \"f\": false, \"n\": null, "
		       "\"o\": {\"k\": 1}, \"l\": [1]}",
		       "true/false///");
	/* Falsey: false, null, missing, [], ""; truthy: 0, {}. */
	assert_renders("{{#s}}S{{/s}}{{^s}}!S{{/s}}{{#z}}Z{{/z}}{{#o}}O{{/o}}{{^m}}!M{{/m}}",
		       "{\"s\": \"\", \"z\": 0, \"o\": {}}", "!SZO!M");
	assert_renders("{{items.1.name}}|{{items.9.name}}|{{items.x}}",
		       "{\"items\": [{\"name\": \"a\"}, {\"name\": \"b\"}]}", "b||");
	assert_renders("{{missing}}{{#missing}}x{{/missing}}", NULL, "");
	assert_renders("{{#*x}}{{.}}{{/*x}}", "{\"*x\": \"star\"}", "star");
	/* Lines of values are not indented, those of the source are. */
	assert_renders("{{{.}}}", "\"a\\nb\"", "a\nb");
}

/* Render tmpl with partials given as a JSON object; returns the render's result. */
static int
render_with(const char *tmpl, const char *partials_json, const char *data_json, struct strbuf *out,
	    struct strbuf *err)
{
	json_t *partials = json_loads(partials_json, 0, NULL);
	json_t *data = data_json ? json_loads(data_json, JSON_DECODE_ANY, NULL) : NULL;
	struct spec_loader loader = {partials, NULL};

	assert_non_null(partials);
	int rc = mustache_render(tmpl, strlen(tmpl), data, spec_load, &loader, out, err);
	json_decref(partials);
	json_decref(data);
	return rc;
}

static void
assert_renders_with(const char *tmpl, const char *partials_json, const char *data_json,
		    const char *want)
{
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;

	if (render_with(tmpl, partials_json, data_json, &out, &err) < 0)
		fail_msg("template [%s]: %s", tmpl, err.buf);
	if (!strbuf_equals(&out, want))
		fail_msg("template [%s]: got [%s], want [%s]", tmpl, out.buf, want);
	strbuf_release(&out);
	strbuf_release(&err);
}

static void
test_partials_and_inheritance(void **state)
{
	(void)state;
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;

	/* Indentation of standalone partials accumulates; inline partials are not indented. */
	assert_renders_with("a\n  {{>p}}\n", "{\"p\": \"x\\n  {{>q}}\\n\", \"q\": \"y\\nz\\n\"}",
			    NULL, "a\n  x\n    y\n    z\n");
	assert_renders_with("  {{>p}}\n", "{\"p\": \"{{#l}}{{.}}{{/l}}\\n{{! c }}x\\n\"}",
			    "{\"l\": [1, 2, 3]}", "  123\n  x\n");
	assert_renders_with("- {{>p}}\n", "{\"p\": \"x\\n  {{>q}}\\n\", \"q\": \"y\\nz\\n\"}", NULL,
			    "- x\n  y\n  z\n\n");
	/* Dynamic parent, and the outermost override wins. */
	assert_renders_with(
		"{{<*kind}}{{$t}}X{{/t}}{{/*kind}}",
		"{\"base\": \"[{{$t}}d{{/t}}]\", \"mid\": \"{{<base}}{{$t}}m{{/t}}{{/base}}\"}",
		"{\"kind\": \"mid\"}", "[X]");
	/* A block whose override contains itself is cut off, not recursed forever. */
	assert_int_equal(render_with("{{<p}}{{$a}}x{{$a}}y{{/a}}{{/a}}{{/p}}",
				     "{\"p\": \"{{$a}}d{{/a}}\"}", NULL, &out, &err),
			 -1);
	assert_non_null(strstr(err.buf, "nest more than"));
	strbuf_release(&out);
	strbuf_release(&err);
}

/* Rows for test_rows: three rows of fields of every kind, counting the reads. */
static const char *const row_fields[] = {"title", "n",   "flag", "none",
					 "lines", "opt", "day",  "part"};
enum { F_TITLE, F_N, F_FLAG, F_NONE, F_LINES, F_OPT, F_DAY, F_PART };

struct row_src {
	int reads[8];
};

static void
row_get(void *self, size_t row, size_t f, struct template_value *v)
{
	static const char *const titles[] = {"a<b", "c&d", "e"};
	static const char stamp[] = "2026-12-07T10:00:00Z";
	struct row_src *src = self;
	src->reads[f]++;
	switch (f) {
	case F_TITLE:
		*v = (struct template_value){TEMPLATE_TEXT, titles[row], strlen(titles[row])};
		break;
	case F_N:
		*v = (struct template_value){TEMPLATE_INTEGER, .integer = (long long)row * 10};
		break;
	case F_FLAG:
		*v = (struct template_value){TEMPLATE_BOOL, .integer = row == 1};
		break;
	case F_NONE:
		v->type = TEMPLATE_NULL;
		break;
	case F_LINES:
		*v = (struct template_value){TEMPLATE_JSON,
					     .json = json_pack("[s, i]", "x", (int)row)};
		break;
	case F_OPT: /* row 0 has none: the name is then the root's */
		if (row > 0)
			*v = (struct template_value){TEMPLATE_TEXT, "own", 3};
		break;
	case F_DAY: /* the first 10 bytes of a longer text: not NUL-terminated there */
		*v = (struct template_value){TEMPLATE_TEXT, stamp, 10};
		break;
	case F_PART: /* a partial's name */
		*v = (struct template_value){TEMPLATE_TEXT, row == 2 ? "p2" : "p",
					     row == 2 ? 2 : 1};
		break;
	}
}

static int
rows_load(void *ctx, const char *name, struct strbuf *out)
{
	const json_t *t = ctx;
	const json_t *v = json_object_get(t, name);
	if (!json_is_string(v))
		return -1;
	strbuf_addstr(out, json_string_value(v));
	return 0;
}

static void
assert_rows_render(const char *tmpl, const char *data_json, size_t n, const char *want,
		   struct row_src *src)
{
	json_t *templates =
		json_pack("{s:s, s:s, s:s}", "main", tmpl, "p", "<{{n}}>", "p2", "({{title}})");
	json_t *data = data_json ? json_loads(data_json, 0, NULL) : json_object();
	struct template_set *set = template_set_new(rows_load, templates);
	struct template_rows rows = {"items", n, row_fields, 8, row_get, src};
	struct strbuf out = STRBUF_INIT;
	assert_non_null(data);
	assert_int_equal(template_render_rows(set, "main", data, &rows, &out), 0);
	if (!strbuf_equals(&out, want))
		fail_msg("template [%s]: got [%s], want [%s]", tmpl, out.buf, want);
	strbuf_release(&out);
	template_set_free(set);
	json_decref(data);
	json_decref(templates);
}

static void
test_rows(void **state)
{
	(void)state;
	struct row_src src = {{0}};

	/* every kind of field, escaped and not, a missing field read from the root */
	assert_rows_render("{{#items}}[{{title}}|{{{title}}}|{{n}}|{{#flag}}F{{/flag}}{{^flag}}f{{/"
			   "flag}}|{{none}}{{^none}}N{{/none}}|{{#lines}}<{{.}}>{{/lines}}|{{opt}}|"
			   "{{day}}|{{#day}}{{.}}{{/day}}]{{/items}}",
			   "{\"opt\": \"root\"}", 3,
			   "[a&lt;b|a<b|0|f|N|<x><0>|root|2026-12-07|2026-12-07]"
			   "[c&amp;d|c&d|10|F|N|<x><1>|own|2026-12-07|2026-12-07]"
			   "[e|e|20|f|N|<x><2>|own|2026-12-07|2026-12-07]",
			   &src);
	/* only what a template reads is asked for, each time it reads it */
	memset(&src, 0, sizeof(src));
	assert_rows_render("{{#items}}{{title}}{{t.x}}{{/items}}", "{\"t\": {\"x\": \"-\"}}", 3,
			   "a&lt;b-c&amp;d-e-", &src);
	assert_int_equal(src.reads[F_TITLE], 3);
	assert_int_equal(src.reads[F_N] + src.reads[F_LINES] + src.reads[F_OPT], 0);
	/* a name the root answers is kept for the render, but an inner frame that has it
	 * answers first, for a dotted name too (its first part found there: no fallback) */
	assert_rows_render("{{t.x}}|{{#list}}{{t.x}},{{/list}}|{{#items}}{{opt}}{{t.x}},{{/items}}|"
			   "{{opt}}{{t.y}}",
			   "{\"t\": {\"x\": \"-\"}, \"opt\": \"root\", \"list\": "
			   "[{\"t\": {\"x\": \"in\"}}, {}, {\"t\": {}}]}",
			   3, "-|in,-,,|root-,own-,own-,|root", &src);
	/* no rows: falsey; one row by its number; a root key of the same name hides the rows */
	assert_rows_render("{{#items}}x{{/items}}{{^items}}none{{/items}}", NULL, 0, "none", &src);
	assert_rows_render("{{^items}}none{{/items}}{{items.1.title}}|{{items.3.title}}|"
			   "{{items.0.lines.0}}{{#items.2}}{{n}}{{/items.2}}{{items}}",
			   NULL, 3, "c&amp;d||x20", &src);
	assert_rows_render("{{#items}}{{.}}{{/items}}", "{\"items\": [\"root\"]}", 3, "root", &src);
	/* a dynamic partial named by a row's text, a row's frame seen from the partial */
	assert_rows_render("{{#items}}{{>*part}}{{/items}}", NULL, 3, "<0><10>(e)", &src);

	/* two lists beside the root, each by its name */
	{
		json_t *templates =
			json_pack("{s:s}", "main",
				  "{{#items}}{{n}},{{/items}}|{{#more}}{{title}}{{/more}}"
				  "{{^more}}-{{/more}}");
		json_t *data = json_object();
		struct template_set *set = template_set_new(rows_load, templates);
		struct template_rows more = {"more", 1, row_fields, 8, row_get, &src};
		struct template_rows rows = {"items", 3, row_fields, 8, row_get, &src, &more};
		struct strbuf out = STRBUF_INIT;
		assert_int_equal(template_render_rows(set, "main", data, &rows, &out), 0);
		assert_string_equal(out.buf, "0,10,20,|a&lt;b");
		strbuf_release(&out);
		template_set_free(set);
		json_decref(data);
		json_decref(templates);
	}

	/* the rows as JSON: the present fields in their order */
	struct template_rows rows = {"items", 2, row_fields, 8, row_get, &src};
	json_t *a = template_rows_json(&rows);
	char *got = json_dumps(a, JSON_COMPACT);
	assert_string_equal(got,
			    "[{\"title\":\"a<b\",\"n\":0,\"flag\":false,\"none\":null,\"lines\":"
			    "[\"x\",0],\"day\":\"2026-12-07\",\"part\":\"p\"},"
			    "{\"title\":\"c&d\",\"n\":10,\"flag\":true,\"none\":null,\"lines\":"
			    "[\"x\",1],\"opt\":\"own\",\"day\":\"2026-12-07\",\"part\":\"p\"}]");
	free(got);
	json_decref(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mustache_spec),
		cmocka_unit_test(test_html_escape),
		cmocka_unit_test(test_utf8_is_valid),
		cmocka_unit_test(test_set_cache),
		cmocka_unit_test(test_concurrent_render),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_partials_and_inheritance),
		cmocka_unit_test(test_rows),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
