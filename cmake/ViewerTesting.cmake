# viewer_add_qtest(NAME SOURCES... LIBS...): one Qt Test executable per concern, registered with CTest
# and run headless (offscreen platform, fixed DPI) so GUI tests are deterministic on CI machines;
# a telemetry-viewer they start keeps its re-open cache in the build tree, never the user's.
function(viewer_add_qtest name)
    cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;LIBS" ${ARGN})
    add_executable(${name} ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE Qt6::Test ${ARG_LIBS})
    target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests/support) # data_table.hpp
    telemetry_enable_warnings(${name})
    set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests)
    add_test(NAME ${name} COMMAND ${name})
    if(NOT ARG_TIMEOUT)
        set(ARG_TIMEOUT 300)
    endif()
    set_tests_properties(${name} PROPERTIES TIMEOUT ${ARG_TIMEOUT}
        ENVIRONMENT "QT_QPA_PLATFORM=offscreen;QT_FONT_DPI=96;QT_STYLE_OVERRIDE=Fusion;TELEMETRY_BIN_DIR=${PROJECT_BINARY_DIR}/bin;TELEMETRY_SOURCE_DIR=${PROJECT_SOURCE_DIR};TELEMETRY_VIEWER_CACHE_DIR=${PROJECT_BINARY_DIR}/test-run-cache")
endfunction()
