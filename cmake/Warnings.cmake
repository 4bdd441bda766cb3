# Warning set from STYLE.md, applied per target.
function(baladiya_warnings target)
	target_compile_options(${target} PRIVATE
		-Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes
		-Wformat=2 -Wvla -Wwrite-strings -Wcast-qual -fno-common
		# a table row may leave its optional last fields out (a route's error shape)
		-Wno-missing-field-initializers)
	if(BALADIYA_WERROR)
		target_compile_options(${target} PRIVATE -Werror)
	endif()
	target_compile_definitions(${target} PRIVATE _POSIX_C_SOURCE=200809L _DEFAULT_SOURCE)
endfunction()
