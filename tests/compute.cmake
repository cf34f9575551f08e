# Tests of compute/: the local driver's pure parts (unit) and the driver
# spawning and destroying real processes with address leases in the real
# PostgreSQL (integration, AUTOMAT_TEST_DATABASE_URL).
add_executable(compute_local_config_test unit/compute_local_config_test.cc
  unit/compute_listener_probe_test.cc)
target_compile_options(compute_local_config_test PRIVATE ${AUTOMAT_WARNINGS})
target_link_libraries(compute_local_config_test PRIVATE automat_compute automat_test_support)
gtest_discover_tests(compute_local_config_test DISCOVERY_MODE PRE_TEST PROPERTIES LABELS unit)

add_executable(compute_local_driver_test integration/compute_local_driver_test.cc)
target_compile_options(compute_local_driver_test PRIVATE ${AUTOMAT_WARNINGS})
target_link_libraries(compute_local_driver_test PRIVATE
  automat_compute automat_db automat_test_support)
gtest_discover_tests(compute_local_driver_test DISCOVERY_MODE PRE_TEST
  PROPERTIES LABELS integration TIMEOUT 120)
