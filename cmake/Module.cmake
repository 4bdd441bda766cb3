# SPDX-License-Identifier: AGPL-3.0-or-later
# baladiya_module(<name> [DEPS <module>...]): the static library mod_<name> from
# modules/<name>/src/*.c, its public headers modules/<name>/include/<name>/*.h (included as
# "<name>/x.h"), and its assets (templates/, static/, locales/, config/, migrations/) embedded as
# <name>_assets_files. It links the base (common) and the modules it names in DEPS, and nothing
# else: tools/check-layers.sh proves from the built libraries that it uses no other module.
#
# baladiya_layer(<kind> <name> <target> <deps...>) records a library in the layers file
# (build/<preset>/layers.tsv) that the layering check reads.
function(baladiya_layer kind name target)
	list(JOIN ARGN " " deps)
	set_property(GLOBAL APPEND PROPERTY BALADIYA_LAYERS
		"${kind}\t${name}\t$<TARGET_FILE:${target}>\t${deps}")
endfunction()

function(baladiya_module name)
	cmake_parse_arguments(PARSE_ARGV 1 MOD "" "" "DEPS")
	file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/src/*.c)
	add_library(mod_${name} STATIC ${sources})
	target_include_directories(mod_${name} PUBLIC include)
	set(libs common)
	foreach(d ${MOD_DEPS})
		if(d STREQUAL "protocol")
			list(APPEND libs protocol) # the base's other library
		else()
			list(APPEND libs mod_${d})
		endif()
	endforeach()
	target_link_libraries(mod_${name} PUBLIC ${libs})
	baladiya_warnings(mod_${name})
	file(GLOB_RECURSE assets CONFIGURE_DEPENDS
		${CMAKE_CURRENT_SOURCE_DIR}/templates/*.mustache
		${CMAKE_CURRENT_SOURCE_DIR}/static/*
		${CMAKE_CURRENT_SOURCE_DIR}/locales/*.json
		${CMAKE_CURRENT_SOURCE_DIR}/config/*.json
		${CMAKE_CURRENT_SOURCE_DIR}/migrations/*.sql)
	baladiya_embed(mod_${name} ${name}_assets ${CMAKE_CURRENT_SOURCE_DIR} ${assets})
	baladiya_layer(module ${name} mod_${name} common ${MOD_DEPS})
	set_property(GLOBAL APPEND PROPERTY BALADIYA_MODULE_LIBRARIES mod_${name})
endfunction()

# baladiya_server(<target>): links a server with the base and every module library. Static
# linking takes only what its main.c's list of modules reaches, so the list lives in one place.
function(baladiya_server target)
	get_property(modules GLOBAL PROPERTY BALADIYA_MODULE_LIBRARIES)
	target_link_libraries(${target} PRIVATE common protocol ${modules})
endfunction()

# Writes the layers file once every library is declared (called at the end of the top level).
function(baladiya_write_layers)
	get_property(lines GLOBAL PROPERTY BALADIYA_LAYERS)
	list(JOIN lines "\n" content)
	file(GENERATE OUTPUT ${CMAKE_BINARY_DIR}/layers.tsv CONTENT "${content}\n")
endfunction()
