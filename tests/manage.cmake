# automat-manage's `datastore install`: the image installer on a fake mvn
# (unit), and the binary against the real PostgreSQL of
# AUTOMAT_TEST_DATABASE_URL and the real mvn with the Maven repository of
# AUTOMAT_CASSANDRA_M2 (both exported by ./run_tests.sh). The other manage
# commands are tested in db.cmake.
add_executable(manage_cassandra_image_test unit/manage_cassandra_image_test.cc)
target_compile_options(manage_cassandra_image_test PRIVATE ${AUTOMAT_WARNINGS})
target_link_libraries(manage_cassandra_image_test PRIVATE automat_manage_commands
  automat_test_support)
gtest_discover_tests(manage_cassandra_image_test TEST_PREFIX "manage." DISCOVERY_MODE PRE_TEST PROPERTIES LABELS unit)

add_executable(manage_install_integration_test integration/manage_install_test.cc)
target_compile_options(manage_install_integration_test PRIVATE ${AUTOMAT_WARNINGS})
target_link_libraries(manage_install_integration_test PRIVATE automat_db automat_test_support)
target_compile_definitions(manage_install_integration_test PRIVATE
  AUTOMAT_MANAGE_BIN="$<TARGET_FILE:automat-manage>")
add_dependencies(manage_install_integration_test automat-manage)
gtest_discover_tests(manage_install_integration_test TEST_PREFIX "manage_install."
  DISCOVERY_MODE PRE_TEST PROPERTIES LABELS integration TIMEOUT 180)
