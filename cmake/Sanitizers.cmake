# ASan+UBSan for the whole tree (one build serves unit, integration and browser tests),
# or release hardening. Chosen by the presets in CMakePresets.json.
if(BALADIYA_SANITIZE)
	add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all
		-fno-omit-frame-pointer -g)
	add_link_options(-fsanitize=address,undefined)
endif()
if(BALADIYA_HARDEN)
	add_compile_options(-O2 -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE)
	add_link_options(-pie -Wl,-z,relro,-z,now)
endif()
