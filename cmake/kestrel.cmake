# Helper functions shared by every subsystem's CMakeLists.txt.

# kestrel_unit_test(NAME SOURCES src... [LIBS lib...] [LABELS l...])
#   A host unit-test executable registered with CTest under label "unit".
#   Built in the hosted and ASan configurations, not in the fuzz or
#   cross builds.
function(kestrel_unit_test name)
	cmake_parse_arguments(T "" "" "SOURCES;LIBS;LABELS;PROPS" ${ARGN})
	if(NOT KESTREL_HOSTED OR KESTREL_FUZZ)
		return()
	endif()
	add_executable(${name} ${T_SOURCES})
	target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR}/tests)
	target_link_libraries(${name} PRIVATE ${T_LIBS})
	add_test(NAME ${name} COMMAND ${name})
	set_tests_properties(${name} PROPERTIES LABELS "unit;${T_LABELS}" TIMEOUT 120)
	if(T_PROPS)
		set_tests_properties(${name} PROPERTIES ${T_PROPS})
	endif()
endfunction()

# kestrel_fuzzer(NAME SOURCES src... [LIBS lib...] CORPUS dir)
#   A libFuzzer target (KESTREL_FUZZ builds only). ctest runs it for
#   KESTREL_FUZZ_SECONDS over the committed seed corpus (copied to the build
#   tree so new inputs never dirty the source tree).
function(kestrel_fuzzer name)
	cmake_parse_arguments(F "" "CORPUS" "SOURCES;LIBS" ${ARGN})
	if(NOT KESTREL_FUZZ)
		return()
	endif()
	add_executable(${name} ${F_SOURCES})
	target_link_libraries(${name} PRIVATE ${F_LIBS})
	target_link_options(${name} PRIVATE -fsanitize=fuzzer)
	set(work ${CMAKE_CURRENT_BINARY_DIR}/${name}.corpus)
	add_test(NAME ${name}
		COMMAND ${CMAKE_COMMAND} -E env ASAN_OPTIONS=detect_leaks=1
			${CMAKE_SOURCE_DIR}/scripts/run-fuzzer.sh $<TARGET_FILE:${name}>
			${F_CORPUS} ${work} ${KESTREL_FUZZ_SECONDS})
	set_tests_properties(${name} PROPERTIES LABELS "fuzz" TIMEOUT 300)
endfunction()

# kestrel_library(NAME SOURCES src... [LIBS lib...])
#   A portable static library built for every configuration.
function(kestrel_library name)
	cmake_parse_arguments(L "" "" "SOURCES;LIBS" ${ARGN})
	add_library(${name} STATIC ${L_SOURCES})
	if(L_LIBS)
		target_link_libraries(${name} PUBLIC ${L_LIBS})
	endif()
endfunction()

# The TCP core without its IPv4 glue (net/tcp_glue.c): the TCP unit tests and
# fuzzers compile these straight in, over their own in-memory wire.
set(KESTREL_TCP_CORE_SOURCES
	${CMAKE_SOURCE_DIR}/net/tcp.c
	${CMAKE_SOURCE_DIR}/net/tcp_in.c
	${CMAKE_SOURCE_DIR}/net/tcp_rcv.c
	${CMAKE_SOURCE_DIR}/net/tcp_out.c
	${CMAKE_SOURCE_DIR}/net/tcp_timer.c
	${CMAKE_SOURCE_DIR}/net/tcp_syn.c
	${CMAKE_SOURCE_DIR}/net/tcp_opt.c
	${CMAKE_SOURCE_DIR}/net/tcp_isn.c)
