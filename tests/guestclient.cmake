# The guest-client library (guestclient/): the gRPC clients against
# in-process gRPC services.
foreach(name grpc_guest_client grpc_database_admin_client)
  add_executable(guestclient_${name}_test unit/guestclient_${name}_test.cc)
  target_compile_options(guestclient_${name}_test PRIVATE ${AUTOMAT_WARNINGS})
  target_link_libraries(guestclient_${name}_test PRIVATE
    automat_guest_client automat_guestagent automat_test_support)
  gtest_discover_tests(guestclient_${name}_test DISCOVERY_MODE PRE_TEST
    PROPERTIES LABELS unit TIMEOUT 120)
endforeach()

# A real gRPC channel in real time: reconnect backoff and call deadlines.
add_executable(guestclient_grpc_channel_test integration/guestclient_grpc_channel_test.cc)
target_compile_options(guestclient_grpc_channel_test PRIVATE ${AUTOMAT_WARNINGS})
target_link_libraries(guestclient_grpc_channel_test PRIVATE
  automat_guest_client automat_guestagent automat_test_support)
gtest_discover_tests(guestclient_grpc_channel_test DISCOVERY_MODE PRE_TEST
  PROPERTIES LABELS integration TIMEOUT 120)
