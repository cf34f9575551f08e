# End-to-end tests (tests/e2e, pytest): one pytest session shares one stack of
# the real automat-api, automat-taskmanager and automat-conductor, creating
# real MariaDB instances. Needs the services ./run_tests.sh starts
# (AUTOMAT_TEST_DATABASE_URL, AUTOMAT_TEST_AMQP_URL); run alone with
#   ./run_tests.sh -R e2e
# A failed test's report carries the tails of the services' logs.

# An interpreter with pytest: Debian's python3-pytest (scripts/install_deps.sh)
# first, else whatever python3 is on PATH.
set(AUTOMAT_E2E_PYTHON "")
foreach(candidate /usr/bin/python3 python3)
  execute_process(COMMAND ${candidate} -c "import pytest"
                  RESULT_VARIABLE _automat_no_pytest OUTPUT_QUIET ERROR_QUIET)
  if(_automat_no_pytest EQUAL 0)
    set(AUTOMAT_E2E_PYTHON ${candidate})
    break()
  endif()
endforeach()

if(AUTOMAT_E2E_PYTHON)
  add_test(NAME e2e
           COMMAND ${AUTOMAT_E2E_PYTHON} -m pytest -v -rfE --durations=8 -p no:cacheprovider
                   ${PROJECT_SOURCE_DIR}/tests/e2e
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
else()
  # Fails (rather than silently skipping) on a machine without pytest.
  add_test(NAME e2e COMMAND ${CMAKE_COMMAND} -E echo
           "pytest is missing: run scripts/install_deps.sh (python3-pytest)")
  set_tests_properties(e2e PROPERTIES WILL_FAIL TRUE)
endif()
set_tests_properties(e2e PROPERTIES
  LABELS e2e
  TIMEOUT 2400
  ENVIRONMENT "AUTOMAT_BUILD_DIR=${CMAKE_BINARY_DIR};PYTHONDONTWRITEBYTECODE=1"
  # The bin/ tree must be complete, whatever target was asked for.
  REQUIRED_FILES "${CMAKE_BINARY_DIR}/bin/automat-api;${CMAKE_BINARY_DIR}/bin/automat-taskmanager;${CMAKE_BINARY_DIR}/bin/automat-conductor;${CMAKE_BINARY_DIR}/bin/automat-guestagent;${CMAKE_BINARY_DIR}/bin/automat-manage;${CMAKE_BINARY_DIR}/bin/automat")
