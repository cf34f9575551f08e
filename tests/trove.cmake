# Trove's own clients against a real stack (tests/trove): python-troveclient
# and `openstack database ...` from the pinned venv of tests/python, through
# instances, databases, users, root, replicas, a Cassandra cluster created
# through the CLI, limits and quotas. Run alone with ./run_tests.sh -R trove
add_test(NAME trove
         COMMAND ${PROJECT_SOURCE_DIR}/tests/python/run_pytest.sh ${PROJECT_SOURCE_DIR}/tests/trove)
set_tests_properties(trove PROPERTIES
  LABELS e2e
  TIMEOUT 2400
  ENVIRONMENT "AUTOMAT_BUILD_DIR=${CMAKE_BINARY_DIR};PYTHONDONTWRITEBYTECODE=1"
  REQUIRED_FILES "${CMAKE_BINARY_DIR}/bin/automat-api;${CMAKE_BINARY_DIR}/bin/automat-taskmanager;${CMAKE_BINARY_DIR}/bin/automat-conductor;${CMAKE_BINARY_DIR}/bin/automat-guestagent;${CMAKE_BINARY_DIR}/bin/automat-manage;${CMAKE_BINARY_DIR}/bin/automat")
