# tinyforge_add_model(<target> <model.tflite>
#                     [NAME <identifier>] [NAMESPACE <c++::namespace>]
#                     [ARENA_TARGET host|cortex-m4] [RESOLVER]
#                     [TEST_DATA <inputs.npy> [EXPECTED <outputs.npy>] [SAMPLES <n>]]
#                     [OUTPUT_DIR <dir>] [EMIT_ARGS <flag>...])
#
# Compiles <model.tflite> into <target>: at build time `tinyforge emit` writes
#   <dir>/<base>_data.cc, <base>_data.h   the aligned array, its length, the
#                                         model's description and arena constant
#   <dir>/<base>_ops.h                    with RESOLVER: <name>_op_resolver()
#   <dir>/<base>_test_data.c, .h          with TEST_DATA: typed test vectors
# where <base> is the model file's name without extension (NAME's value when
# given) and <dir> defaults to ${CMAKE_CURRENT_BINARY_DIR}/tinyforge/<target>.
# The sources are added to <target> and <dir> to its include path, so
# `#include "<base>_data.h"` works. Each file is regenerated whenever the model
# (or a test-data file, or tinyforge itself) changes; nothing is written into
# the source tree.
#
# The arguments map onto `tinyforge emit`'s flags (see `tinyforge emit --help`):
# NAME -> --name, NAMESPACE -> --namespace, ARENA_TARGET -> --target,
# TEST_DATA -> --test-data, EXPECTED -> --expected, SAMPLES -> -n; EMIT_ARGS
# passes any other flag on, e.g. EMIT_ARGS --quantize-inputs --scale 1/255 for
# float samples given to an int8 model.
function(tinyforge_add_model target model)
  cmake_parse_arguments(PARSE_ARGV 2 arg "RESOLVER"
                        "NAME;NAMESPACE;ARENA_TARGET;TEST_DATA;EXPECTED;SAMPLES;OUTPUT_DIR" "EMIT_ARGS")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "tinyforge_add_model(${target}): unknown arguments '${arg_UNPARSED_ARGUMENTS}'")
  endif()
  if(NOT TARGET ${target})
    message(FATAL_ERROR "tinyforge_add_model: '${target}' is not a target; create it first "
                        "(add_executable or add_library)")
  endif()
  if(NOT TARGET tinyforge::tinyforge)
    message(FATAL_ERROR "tinyforge_add_model: tinyforge::tinyforge is not defined; call "
                        "find_package(tinyforge REQUIRED) first")
  endif()
  foreach(needs_test_data EXPECTED SAMPLES)
    if(DEFINED arg_${needs_test_data} AND NOT DEFINED arg_TEST_DATA)
      message(FATAL_ERROR "tinyforge_add_model(${target}): ${needs_test_data} needs TEST_DATA")
    endif()
  endforeach()

  get_filename_component(model "${model}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  if(DEFINED arg_NAME)
    set(base "${arg_NAME}")
  else()
    get_filename_component(base "${model}" NAME_WE)
    string(MAKE_C_IDENTIFIER "${base}" base)
  endif()
  if(DEFINED arg_OUTPUT_DIR)
    get_filename_component(dir "${arg_OUTPUT_DIR}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_BINARY_DIR}")
  else()
    set(dir "${CMAKE_CURRENT_BINARY_DIR}/tinyforge/${target}")
  endif()

  set(source "${dir}/${base}_data.cc")
  set(header "${dir}/${base}_data.h")
  set(outputs "${source}" "${header}")
  set(sources "${source}")
  set(command emit "${model}" -o "${source}" --header "${header}")
  set(depends "${model}")
  if(DEFINED arg_NAME)
    list(APPEND command --name "${arg_NAME}")
  endif()
  if(DEFINED arg_NAMESPACE)
    list(APPEND command --namespace "${arg_NAMESPACE}")
  endif()
  if(DEFINED arg_ARENA_TARGET)
    list(APPEND command --target "${arg_ARENA_TARGET}")
  endif()
  if(arg_RESOLVER)
    list(APPEND command --resolver "${dir}/${base}_ops.h")
    list(APPEND outputs "${dir}/${base}_ops.h")
  endif()
  if(DEFINED arg_TEST_DATA)
    get_filename_component(test_data "${arg_TEST_DATA}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    list(APPEND command --test-data "${test_data}" --test-data-out "${dir}/${base}_test_data.c")
    list(APPEND depends "${test_data}")
    list(APPEND outputs "${dir}/${base}_test_data.c" "${dir}/${base}_test_data.h")
    list(APPEND sources "${dir}/${base}_test_data.c")
    if(DEFINED arg_EXPECTED)
      get_filename_component(expected "${arg_EXPECTED}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
      list(APPEND command --expected "${expected}")
      list(APPEND depends "${expected}")
    endif()
    if(DEFINED arg_SAMPLES)
      list(APPEND command -n "${arg_SAMPLES}")
    endif()
  endif()

  list(APPEND command ${arg_EMIT_ARGS})

  file(MAKE_DIRECTORY "${dir}")
  add_custom_command(
    OUTPUT ${outputs}
    COMMAND tinyforge::tinyforge ${command}
    DEPENDS ${depends} tinyforge::tinyforge
    COMMENT "tinyforge: emitting ${model}"
    VERBATIM)
  target_sources(${target} PRIVATE ${sources})
  target_include_directories(${target} PUBLIC "${dir}")
endfunction()
