// rabbitmq-c implementation of common/broker.h: being written by the transport work.
