# SPDX-License-Identifier: MIT
# INTERFACE targets: trailwatch_settings (language level, sanitizers, CPU flags) and
# trailwatch_warnings (warnings; -Werror only in developer/CI mode so new compilers don't break
# user builds).
set(CMAKE_CXX_STANDARD 20)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
set(CMAKE_CXX_EXTENSIONS OFF)

add_library(trailwatch_settings INTERFACE)
target_compile_features(trailwatch_settings INTERFACE cxx_std_20)
target_compile_options(trailwatch_settings INTERFACE $<$<CONFIG:Debug>:-D_GLIBCXX_ASSERTIONS>)
if(TRAILWATCH_SANITIZE)
  target_compile_options(trailwatch_settings INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(trailwatch_settings INTERFACE -fsanitize=address,undefined)
endif()
if(TRAILWATCH_NATIVE)
  target_compile_options(trailwatch_settings INTERFACE -march=native)
endif()

add_library(trailwatch_warnings INTERFACE)
target_compile_options(trailwatch_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align -Wunused
  -Wdouble-promotion -Wimplicit-fallthrough)
if(TRAILWATCH_DEV)
  target_compile_options(trailwatch_warnings INTERFACE -Werror)
endif()
