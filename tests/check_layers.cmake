# Dependencies point one way: cli -> workflows -> io, engine -> core.
# Every target sees include/ and the system's headers, so the CMake targets
# alone do not stop a stray #include; this script does. Run by CTest:
#   cmake -DSOURCE_DIR=. -P tests/check_layers.cmake
# It lists every include that points up a layer and fails when there is one.

if(NOT SOURCE_DIR)
  message(FATAL_ERROR "pass -DSOURCE_DIR=<the repository root>")
endif()
get_filename_component(SOURCE_DIR "${SOURCE_DIR}" ABSOLUTE)

set(violations "")

# Adds "FILE: #include LINE (RULE)" to `violations` for every include line of
# the files matched by GLOBS that matches REGEX.
function(forbid rule regex)
  set(files "")
  foreach(glob IN LISTS ARGN)
    file(GLOB matched "${SOURCE_DIR}/${glob}")
    list(APPEND files ${matched})
  endforeach()
  foreach(f IN LISTS files)
    file(STRINGS "${f}" lines REGEX "^[ \t]*#[ \t]*include")
    foreach(line IN LISTS lines)
      if(line MATCHES "${regex}")
        file(RELATIVE_PATH rel "${SOURCE_DIR}" "${f}")
        string(STRIP "${line}" line)
        set(violations "${violations}\n  ${rel}: ${line}  (${rule})")
      endif()
    endforeach()
  endforeach()
  set(violations "${violations}" PARENT_SCOPE)
endfunction()

# The core is pure: no files, no YAML or JSON, no SimGrid, no logging, no CLI.
forbid("the core includes no edge library"
       "<(simgrid|yaml-cpp|nlohmann|spdlog|CLI)[/.]"
       "src/core/*.cpp" "src/core/*.hpp" "src/core/*/*.cpp")
# The core's headers (include/fleetsim/core/) and sources know no other layer.
forbid("the core includes only the core"
       "fleetsim/(io|engine|workflows)/|src/(io|engine|workflows|cli)/"
       "src/core/*.cpp" "src/core/*.hpp" "src/core/*/*.cpp" "src/core/*/*.hpp" "include/fleetsim/core/*.hpp")
# Nothing below the workflows knows them.
forbid("only cli and tests include workflows"
       "fleetsim/workflows/|src/workflows/"
       "src/core/*.cpp" "src/core/*.hpp" "src/core/*/*.cpp" "src/io/*.cpp" "src/io/*.hpp" "src/engine/*.cpp" "src/engine/*.hpp"
       "include/fleetsim/core/*.hpp" "include/fleetsim/io/*.hpp" "include/fleetsim/engine/*.hpp")
# The workflows work on reports read back, not on a simulation in process,
# and know nothing of the command line.
forbid("workflows include neither the engine nor cli"
       "fleetsim/engine/|<simgrid|src/cli/|\"(child_runs|cli_support|exit_codes|atomic_file)\\.hpp\""
       "src/workflows/*.cpp" "include/fleetsim/workflows/*.hpp")
# The workflows use io through its public headers (include/fleetsim/io/):
# io's private headers, beside its sources, are its own (no include path
# reaches them from the workflows; this says so by name if one is added).
file(GLOB io_private_headers RELATIVE "${SOURCE_DIR}/src/io" "${SOURCE_DIR}/src/io/*.hpp")
if(io_private_headers)
  list(JOIN io_private_headers "|" io_private_names)
  string(REPLACE "." "\\." io_private_names "${io_private_names}")
  forbid("workflows include only io's public headers"
         "src/io/|\"(${io_private_names})\""
         "src/workflows/*.cpp" "src/workflows/*.hpp" "include/fleetsim/workflows/*.hpp")
endif()
# io and the engine do not know each other.
forbid("io does not include the engine"
       "fleetsim/engine/|<simgrid"
       "src/io/*.cpp" "src/io/*.hpp" "include/fleetsim/io/*.hpp")
forbid("the engine does not include io"
       "fleetsim/io/|src/io/"
       "src/engine/*.cpp" "src/engine/*.hpp" "include/fleetsim/engine/*.hpp")

if(violations)
  message(FATAL_ERROR "includes that point up a layer (docs/architecture.md, \"Layers\"):${violations}")
endif()
message(STATUS "layers: every include points down")
