# telemetry_enable_warnings(target): the project's warning set, per target (never global flags).
# TELEMETRY_WERROR (CI) turns warnings into errors; TELEMETRY_SANITIZE adds ASan + UBSan.
option(TELEMETRY_WERROR "Treat warnings as errors" OFF)

function(telemetry_enable_warnings target)
    if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
        target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow=local)
        if(TELEMETRY_WERROR)
            target_compile_options(${target} PRIVATE -Werror)
        endif()
    endif()
    if(TELEMETRY_SANITIZE)
        target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer)
        target_link_options(${target} PRIVATE -fsanitize=address,undefined)
    endif()
endfunction()
