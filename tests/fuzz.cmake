# Property-based fuzzing of the real automat-api (tests/fuzz, schemathesis on
# docs/openapi.yaml; pytest from the pinned venv of tests/python). Needs the
# PostgreSQL ./run_tests.sh starts; run alone with ./run_tests.sh -R fuzz
add_test(NAME fuzz
         COMMAND ${PROJECT_SOURCE_DIR}/tests/python/run_pytest.sh ${PROJECT_SOURCE_DIR}/tests/fuzz)
set_tests_properties(fuzz PROPERTIES
  LABELS e2e
  TIMEOUT 1800
  ENVIRONMENT "AUTOMAT_BUILD_DIR=${CMAKE_BINARY_DIR};PYTHONDONTWRITEBYTECODE=1"
  REQUIRED_FILES "${CMAKE_BINARY_DIR}/bin/automat-api;${CMAKE_BINARY_DIR}/bin/automat-manage")
