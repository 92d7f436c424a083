# Helpers shared by every module: one static library per folder under src/tako,
# one GoogleTest executable per folder under tests/unit.

# -Werror only with TAKO_WERROR (make test, CI): a user's build must not fail on the warnings of
# one compiler release.
function(tako_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra)
  if(TAKO_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# tako_module(<name> SOURCES ... [DEPS ...])  -> static library tako_<name>
function(tako_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(tako_${name} STATIC ${ARG_SOURCES})
  target_include_directories(tako_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(tako_${name} PUBLIC ${ARG_DEPS})
  tako_warnings(tako_${name})
endfunction()

# tako_unit_test(<name> SOURCES ... DEPS ...) -> executable registered with ctest
function(tako_unit_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main)
  tako_warnings(${name})
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60
    PROPERTIES ENVIRONMENT "TAKO_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
endfunction()
