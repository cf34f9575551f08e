# Unit tests of conductor/ (with tests/fakes) and its integration test against
# the real PostgreSQL and RabbitMQ (AUTOMAT_TEST_DATABASE_URL, AUTOMAT_TEST_AMQP_URL).
foreach(name handler consumer sweeper settings)
  add_executable(conductor_${name}_test unit/conductor_${name}_test.cc)
  target_compile_options(conductor_${name}_test PRIVATE ${AUTOMAT_WARNINGS})
  target_link_libraries(conductor_${name}_test PRIVATE automat_conductor_core automat_test_support)
  gtest_discover_tests(conductor_${name}_test TEST_PREFIX "conductor." DISCOVERY_MODE PRE_TEST PROPERTIES LABELS unit)
endforeach()

add_executable(conductor_service_test integration/conductor_service_test.cc)
target_compile_options(conductor_service_test PRIVATE ${AUTOMAT_WARNINGS})
target_compile_definitions(conductor_service_test PRIVATE
  AUTOMAT_CONDUCTOR_BIN="$<TARGET_FILE:automat-conductor>")
# automat_ds_common: the test reads a stored Cassandra report back as the
# workflow does (common_node_report.h).
target_link_libraries(conductor_service_test PRIVATE automat_db automat_ds_common
  automat_test_support)
add_dependencies(conductor_service_test automat-conductor)
gtest_discover_tests(conductor_service_test TEST_PREFIX "conductor." DISCOVERY_MODE PRE_TEST PROPERTIES LABELS integration)
