# Builds tests/package/consumer against the logger in one of three ways (MODE) and runs it.
#   find_package:     cmake --install BUILD_DIR --component telemetry_logger into a temporary
#                     prefix, then find_package(telemetry_logger CONFIG) from that prefix only
#   add_subdirectory: add_subdirectory(LOGGER_SOURCE)
#   fetchcontent:     FetchContent_Declare(SOURCE_DIR LOGGER_SOURCE) + FetchContent_MakeAvailable
foreach(_var MODE BUILD_DIR CONSUMER LOGGER_SOURCE WORK GENERATOR CXX)
    if(NOT DEFINED ${_var})
        message(FATAL_ERROR "run_consumer.cmake: ${_var} is not set")
    endif()
endforeach()

function(run_step what)
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
    if(NOT _rc EQUAL 0)
        message(FATAL_ERROR "${what} failed (${_rc}):\n${_out}\n${_err}")
    endif()
    message(STATUS "${what}: ok")
endfunction()

file(REMOVE_RECURSE ${WORK})
set(_configure_args
    -DTELEMETRY_CONSUMER_MODE=${MODE}
    -DTELEMETRY_LOGGER_SOURCE=${LOGGER_SOURCE})
# No build type: the consumer proves integration, not speed, and -O0 compiles the logger's
# sources (add_subdirectory, fetchcontent) a third faster.
if(SANITIZE)
    list(APPEND _configure_args "-DCMAKE_CXX_FLAGS=-fsanitize=address,undefined"
        "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined")
endif()

if(MODE STREQUAL "find_package")
    set(_prefix ${WORK}/prefix)
    run_step("cmake --install (component telemetry_logger)"
        ${CMAKE_COMMAND} --install ${BUILD_DIR} --component telemetry_logger --prefix ${_prefix})
    foreach(_file include/telemetry/logger.hpp include/telemetry/version.hpp)
        if(NOT EXISTS ${_prefix}/${_file})
            message(FATAL_ERROR "the installed package lacks ${_file}")
        endif()
    endforeach()
    file(GLOB_RECURSE _configs ${_prefix}/*/telemetry_loggerConfig.cmake)
    if(NOT _configs)
        message(FATAL_ERROR "the installed package lacks telemetry_loggerConfig.cmake")
    endif()
    # Only this prefix: a package found anywhere else would not prove the install works.
    list(APPEND _configure_args -DCMAKE_PREFIX_PATH=${_prefix} -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)
endif()

run_step("configure the consumer (${MODE})"
    ${CMAKE_COMMAND} -S ${CONSUMER} -B ${WORK}/build -G ${GENERATOR}
    -DCMAKE_CXX_COMPILER=${CXX} ${_configure_args})
run_step("build the consumer" ${CMAKE_COMMAND} --build ${WORK}/build --parallel 2)
find_program(_consumer consumer PATHS ${WORK}/build ${WORK}/build/bin NO_DEFAULT_PATH)
if(NOT _consumer)
    message(FATAL_ERROR "the consumer executable was not built")
endif()
run_step("run the consumer" ${_consumer} ${WORK}/out/run.jsonl)
