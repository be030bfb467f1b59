# The installed layout and the .deb (CMakeLists.txt, "Installed layout"):
# installs the build into a scratch prefix and runs the installed binary
# there, from outside any checkout (it must find its validation suite and
# scenarios beside it) and checks the man page and the shell completions,
# then builds the .deb and checks its contents and that its dependencies are
# Debian's library packages.
# Run: cmake -DBINARY_DIR=<build> -DENGINE_DIR=<LIBDIR>/fleetsim -P check_install.cmake
if(NOT BINARY_DIR OR NOT ENGINE_DIR)
  message(FATAL_ERROR "pass -DBINARY_DIR=<build> -DENGINE_DIR=<LIBDIR>/fleetsim")
endif()
set(prefix ${BINARY_DIR}/install-check)
file(REMOVE_RECURSE ${prefix})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BINARY_DIR} --prefix ${prefix}
                RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install failed (${rc}): ${err}")
endif()
# The man page and completions are written at build time by the built binary.
set(generated share/man/man1/fleetsim.1.gz share/bash-completion/completions/fleetsim
              share/zsh/vendor-completions/_fleetsim)
foreach(path bin/fleetsim ${ENGINE_DIR}/libfleetsim_engine.so share/fleetsim/validation/cases.yaml share/fleetsim/scenarios/quickstart.yaml
             share/fleetsim/catalog/hardware.yaml share/doc/fleetsim/README.md share/doc/fleetsim/scenario-format.md
             ${generated} share/fleetsim/docs/scenario.schema.json)
  if(NOT EXISTS ${prefix}/${path})
    message(FATAL_ERROR "not installed: ${path}")
  endif()
endforeach()
execute_process(COMMAND gzip -dc ${prefix}/share/man/man1/fleetsim.1.gz OUTPUT_VARIABLE page RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT page MATCHES "\n\\.TH FLEETSIM 1 [^\n]*\n.*\n\\.SS fleetsim run\n")
  message(FATAL_ERROR "installed man page: gzip -dc exit ${rc}, not fleetsim(1)")
endif()
execute_process(COMMAND bash --norc --noprofile -c "source \"$1\" && complete -p fleetsim" bash
                        ${prefix}/share/bash-completion/completions/fleetsim
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT out STREQUAL "complete -F _fleetsim fleetsim\n")
  message(FATAL_ERROR "installed bash completion: exit ${rc}, complete -p says: ${out}${err}")
endif()

execute_process(COMMAND ${prefix}/bin/fleetsim --version OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT out MATCHES "fleetsim [0-9]+\\.[0-9]+\\.[0-9]+")
  message(FATAL_ERROR "installed fleetsim --version: exit ${rc}, output: ${out}")
endif()
# From / there is no ./validation: the suite beside the binary is used.
execute_process(COMMAND ${prefix}/bin/fleetsim validate-model --only g3-llamacpp-8b-decode
                WORKING_DIRECTORY / OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT out MATCHES "g3-llamacpp-8b-decode")
  message(FATAL_ERROR "installed validate-model: exit ${rc}\n${out}\n${err}")
endif()
execute_process(COMMAND ${prefix}/bin/fleetsim run ${prefix}/share/fleetsim/scenarios/quickstart.yaml
                        --format json --no-progress
                WORKING_DIRECTORY / OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT out MATCHES "\"schema\": \"fleetsim.report/1\"")
  message(FATAL_ERROR "installed run of the shipped quickstart: exit ${rc}\n${err}")
endif()

# The binary without its engine module: what simulates nothing still works,
# a run says what is missing and exits 3 (include/fleetsim/engine/engine_module.hpp).
set(alone ${BINARY_DIR}/install-check-alone)
file(REMOVE_RECURSE ${alone})
file(COPY ${prefix}/bin/fleetsim DESTINATION ${alone})
execute_process(COMMAND ${alone}/fleetsim validate ${prefix}/share/fleetsim/scenarios/quickstart.yaml
                OUTPUT_QUIET ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "fleetsim without its engine module, validate: exit ${rc}\n${err}")
endif()
execute_process(COMMAND ${alone}/fleetsim run ${prefix}/share/fleetsim/scenarios/quickstart.yaml --no-progress
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(NOT rc EQUAL 3 OR NOT err MATCHES "fleetsim: error: cannot load fleetsim's simulation engine, libfleetsim_engine.so"
   OR err MATCHES "defect" OR out)
  message(FATAL_ERROR "fleetsim without its engine module, run: exit ${rc}\n${out}\n${err}")
endif()
file(REMOVE_RECURSE ${alone})

set(packages ${BINARY_DIR}/package-check)
file(REMOVE_RECURSE ${packages})
execute_process(COMMAND cpack -G DEB --config ${BINARY_DIR}/CPackConfig.cmake -B ${packages}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
file(GLOB deb ${packages}/fleetsim_*.deb)
if(NOT rc EQUAL 0 OR NOT deb)
  message(FATAL_ERROR "cpack -G DEB failed (${rc}):\n${out}\n${err}")
endif()
execute_process(COMMAND dpkg-deb -c ${deb} OUTPUT_VARIABLE contents RESULT_VARIABLE rc)
foreach(path ./usr/bin/fleetsim ./usr/${ENGINE_DIR}/libfleetsim_engine.so ./usr/share/fleetsim/validation/cases.yaml ./usr/share/doc/fleetsim/README.md
             ./usr/share/man/man1/fleetsim.1.gz ./usr/share/bash-completion/completions/fleetsim
             ./usr/share/zsh/vendor-completions/_fleetsim ./usr/share/fleetsim/docs/scenario.schema.json)
  string(FIND "${contents}" " ${path}\n" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "${deb} lacks ${path}")
  endif()
endforeach()
execute_process(COMMAND dpkg-deb -f ${deb} Depends OUTPUT_VARIABLE depends RESULT_VARIABLE rc)
if(NOT depends MATCHES "libsimgrid" OR NOT depends MATCHES "libyaml-cpp")
  message(FATAL_ERROR "${deb} depends on: ${depends}")
endif()
message(STATUS "installed tree and ${deb} checked; Depends: ${depends}")
