# Tests of storage/: the pure parts (settings, keys, the S3 protocol) as unit
# tests; one contract (tests/support/backup_storage_contract.h) run on the
# fake as a unit test, and on the file driver and on the S3 driver against
# the s3proxy that ./run_tests.sh starts (AUTOMAT_TEST_S3_*).
foreach(name settings s3_protocol fake throttle)
  add_executable(storage_${name}_test unit/storage_${name}_test.cc)
  target_compile_options(storage_${name}_test PRIVATE ${AUTOMAT_WARNINGS})
  target_link_libraries(storage_${name}_test PRIVATE automat_storage automat_test_support)
  target_compile_definitions(storage_${name}_test PRIVATE AUTOMAT_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  gtest_discover_tests(storage_${name}_test TEST_PREFIX "storage." DISCOVERY_MODE PRE_TEST
    PROPERTIES LABELS unit)
endforeach()

add_executable(storage_contract_test integration/storage_contract_test.cc)
target_compile_options(storage_contract_test PRIVATE ${AUTOMAT_WARNINGS})
target_link_libraries(storage_contract_test PRIVATE automat_storage automat_test_support)
gtest_discover_tests(storage_contract_test TEST_PREFIX "storage." DISCOVERY_MODE PRE_TEST
  PROPERTIES LABELS integration TIMEOUT 120)
