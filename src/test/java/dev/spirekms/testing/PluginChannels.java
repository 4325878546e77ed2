package dev.spirekms.testing;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;

/** Plaintext gRPC channels to a plugin's announced address, dialled as a go-plugin host does. */
public final class PluginChannels implements AutoCloseable {
  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(
          1, new DefaultThreadFactory("plugin-host", true), EpollIoHandler.newFactory());

  /** Dials {@code network} ("unix" or "tcp") at {@code address}, without TLS. */
  public ManagedChannel dial(String network, String address) {
    switch (network) {
      case "unix":
        return NettyChannelBuilder.forAddress(new DomainSocketAddress(address))
            .eventLoopGroup(group)
            .channelType(EpollDomainSocketChannel.class)
            // grpc sets SO_KEEPALIVE, which unix sockets lack; null removes it (no Netty warning)
            .withOption(ChannelOption.SO_KEEPALIVE, (Boolean) null)
            .usePlaintext()
            .build();
      case "tcp":
        int colon = address.lastIndexOf(':');
        return NettyChannelBuilder.forAddress(
                address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)))
            .usePlaintext()
            .build();
      default:
        throw new IllegalArgumentException("unknown network " + network);
    }
  }

  /** Dials the address a handshake line announced. */
  public ManagedChannel dial(Handshake handshake) {
    return dial(handshake.network(), handshake.address());
  }

  @Override
  public void close() {
    group.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS).awaitUninterruptibly(1_000);
  }
}
