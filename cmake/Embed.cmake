# baladiya_embed(<target> <symbol> <base_dir> <files...>)
# Generates a C file holding each file as a byte array, plus
#   const struct embedded_file *<symbol>_find(const char *name);
#   extern const struct embedded_file <symbol>_files[]; (NULL-named terminator)
# and adds it to <target>. Names are paths relative to base_dir.
function(baladiya_embed target symbol base_dir)
	set(out ${CMAKE_CURRENT_BINARY_DIR}/${symbol}_embed.c)
	set(rel)
	foreach(f ${ARGN})
		file(RELATIVE_PATH r ${base_dir} ${f})
		list(APPEND rel ${r})
	endforeach()
	add_custom_command(OUTPUT ${out}
		COMMAND embedgen ${symbol} ${base_dir} ${out} ${rel}
		DEPENDS embedgen ${ARGN}
		COMMENT "Embedding ${symbol}")
	target_sources(${target} PRIVATE ${out})
endfunction()
