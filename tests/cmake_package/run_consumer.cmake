# The CMakePackage test: install tinyforge into a temporary prefix, build the
# consumer project with find_package(tinyforge) and tinyforge_add_model(),
# run it, then change the model and check that the build regenerates the
# array (the consumer compares its array with the file on disk, so a stale
# array fails). Run with cmake -P and:
#   BUILD_DIR     tinyforge's build tree (installed from)
#   WORK_DIR      scratch directory (emptied first)
#   SOURCE_DIR    this directory
#   MODEL         a float .tflite;  TEST_DATA  a float32 .npy of its inputs
#   TFLM_DIR      optional: a TFLM build, to also run the resolver and arena
#   TINYFORGE     the built tinyforge (to make a second, different model)

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT code EQUAL 0)
    string(REPLACE ";" " " line "${ARGN}")
    message(FATAL_ERROR "failed (${code}): ${line}\n${out}")
  endif()
  message(STATUS "${out}")
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}/model")
set(prefix "${WORK_DIR}/prefix")
run(${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${prefix}")

# The model the consumer compiles in lives at one path; it is replaced below.
set(model "${WORK_DIR}/model/model.tflite")
set(stripped "${WORK_DIR}/model/stripped.tflite")
file(COPY_FILE "${MODEL}" "${model}")
# The same network with its tensor names removed: other bytes, same inputs.
run("${TINYFORGE}" rewrite "${MODEL}" -o "${stripped}" --strip-names)

set(build "${WORK_DIR}/build")
set(configure ${CMAKE_COMMAND} -S "${SOURCE_DIR}/consumer" -B "${build}" "-DCMAKE_PREFIX_PATH=${prefix}"
    "-DMODEL=${model}" "-DTEST_DATA=${TEST_DATA}")
if(TFLM_DIR)
  list(APPEND configure "-DTFLM_DIR=${TFLM_DIR}")
endif()
run(${configure})
run(${CMAKE_COMMAND} --build "${build}")
run("${build}/consumer" "${model}" "${TEST_DATA}")
if(TFLM_DIR)
  run("${build}/consumer_tflm")
endif()

# Replace the model (a newer file with other bytes) and rebuild: the array must
# follow it. The old model's bytes must now fail, so the check can fail.
execute_process(COMMAND ${CMAKE_COMMAND} -E sleep 1.1)
file(COPY_FILE "${stripped}" "${model}")
file(TOUCH "${model}")
run(${CMAKE_COMMAND} --build "${build}")
run("${build}/consumer" "${model}" "${TEST_DATA}")
execute_process(COMMAND "${build}/consumer" "${MODEL}" "${TEST_DATA}" RESULT_VARIABLE stale OUTPUT_QUIET)
if(stale EQUAL 0)
  message(FATAL_ERROR "the consumer accepted the old model's bytes after the model changed")
endif()
file(REMOVE_RECURSE "${WORK_DIR}")
