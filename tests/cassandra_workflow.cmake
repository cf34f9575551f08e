# The Cassandra taskmanager face (datastores/cassandra/workflow_*.cc) against
# the fakes of tests/fakes.
add_executable(cassandra_workflow_test unit/cassandra_workflow_test.cc
  unit/cassandra_resize_workflow_test.cc
  unit/cassandra_cleanup_workflow_test.cc unit/cassandra_volume_resize_test.cc
  unit/cassandra_rolling_resize_test.cc unit/cassandra_backup_workflow_test.cc
  unit/cassandra_restore_workflow_test.cc)
target_compile_options(cassandra_workflow_test PRIVATE ${AUTOMAT_WARNINGS})
target_link_libraries(cassandra_workflow_test PRIVATE
  automat_ds_workflow automat_taskmanager_core automat_test_support)
gtest_discover_tests(cassandra_workflow_test DISCOVERY_MODE PRE_TEST
  PROPERTIES LABELS unit TIMEOUT 120)
