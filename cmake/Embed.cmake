# baladiya_embed(<target> <symbol> <base_dir> <files...> [RENAMED <name> <file>...])
# Generates a C file holding each file as a byte array, plus
#   const struct embedded_file *<symbol>_find(const char *name);
#   extern const struct embedded_file <symbol>_files[]; (NULL-named terminator)
# and adds it to <target>. Names are paths relative to base_dir; after RENAMED come pairs of an
# explicit name and a file anywhere (e.g. static/vendor/leaflet/leaflet.js and its path in
# web/node_modules).
function(baladiya_embed target symbol base_dir)
	cmake_parse_arguments(PARSE_ARGV 3 EMBED "" "" "RENAMED")
	set(out ${CMAKE_CURRENT_BINARY_DIR}/${symbol}_embed.c)
	set(rel)
	set(deps ${EMBED_UNPARSED_ARGUMENTS})
	foreach(f ${EMBED_UNPARSED_ARGUMENTS})
		file(RELATIVE_PATH r ${base_dir} ${f})
		list(APPEND rel ${r})
	endforeach()
	list(LENGTH EMBED_RENAMED n)
	math(EXPR odd "${n} % 2")
	if(odd)
		message(FATAL_ERROR "baladiya_embed: RENAMED takes pairs of a name and a file")
	endif()
	while(EMBED_RENAMED)
		list(POP_FRONT EMBED_RENAMED name f)
		list(APPEND rel "${name}=${f}")
		list(APPEND deps ${f})
	endwhile()
	add_custom_command(OUTPUT ${out}
		COMMAND embedgen ${symbol} ${base_dir} ${out} ${rel}
		DEPENDS embedgen ${deps}
		COMMENT "Embedding ${symbol}")
	target_sources(${target} PRIVATE ${out})
endfunction()
