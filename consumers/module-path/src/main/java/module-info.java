/** An application module: what a user of rpc writes. */
module rpc.consumer.modulepath {
  requires rpc.api;
  requires rpc.transport.inprocess;
  requires rpc.codec.protobuf;

  exports rpc.consumer.modulepath;
}
