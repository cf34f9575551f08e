# Unit tests of common/ (no services needed) and integration tests of the
# AMQP transport against the RabbitMQ in AUTOMAT_TEST_AMQP_URL.
foreach(name config crypto envelope status amqp_url atomic_file proto_json process_table)
  add_executable(common_${name}_test unit/common_${name}_test.cc)
  target_compile_options(common_${name}_test PRIVATE ${AUTOMAT_WARNINGS})
  target_link_libraries(common_${name}_test PRIVATE automat_common automat_test_support)
  gtest_discover_tests(common_${name}_test TEST_PREFIX "common." DISCOVERY_MODE PRE_TEST PROPERTIES LABELS unit)
endforeach()

add_executable(amqp_broker_test integration/amqp_broker_test.cc)
target_compile_options(amqp_broker_test PRIVATE ${AUTOMAT_WARNINGS})
target_link_libraries(amqp_broker_test PRIVATE automat_common automat_test_support)
gtest_discover_tests(amqp_broker_test TEST_PREFIX "amqp." DISCOVERY_MODE PRE_TEST PROPERTIES LABELS integration)
