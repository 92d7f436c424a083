# Writes the files the built tako prints about itself (run by the build, see
# src/tako/cli/CMakeLists.txt): cmake -DTAKO=<binary> -DOUT=<share dir> -P TakoShare.cmake
foreach(_v TAKO OUT)
  if(NOT DEFINED ${_v})
    message(FATAL_ERROR "TakoShare.cmake: ${_v} is not set")
  endif()
endforeach()

function(_tako_write file)
  get_filename_component(_dir ${file} DIRECTORY)
  file(MAKE_DIRECTORY ${_dir})
  execute_process(COMMAND ${TAKO} ${ARGN} OUTPUT_FILE ${file}.tmp RESULT_VARIABLE _rc ERROR_VARIABLE _err)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "tako ${ARGN} failed (${_rc}): ${_err}")
  endif()
  file(RENAME ${file}.tmp ${file})
endfunction()

_tako_write(${OUT}/bash-completion/completions/tako completion bash)
_tako_write(${OUT}/zsh/vendor-completions/_tako completion zsh)
_tako_write(${OUT}/fish/vendor_completions.d/tako.fish completion fish)
_tako_write(${OUT}/man/man1/tako.1 __man)
