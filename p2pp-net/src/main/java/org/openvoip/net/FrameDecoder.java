package org.openvoip.net;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import java.util.function.Consumer;
import org.openvoip.p2pp.wire.Header;
import org.openvoip.p2pp.wire.MalformedMessageException;
import org.openvoip.p2pp.wire.WireDecoder;

/**
 * Splits a P2PP stream (TCP or TLS) into messages: the 16 fixed header bytes say how long each
 * one is ({@link WireDecoder#frameLength}), so a frame over the decoder's limit closes the
 * connection before anything of it is buffered. Emits each message as a {@code byte[]}.
 */
public final class FrameDecoder extends ByteToMessageDecoder {
  private final WireDecoder decoder;
  private final Consumer<MalformedMessageException> lostFraming;
  private final byte[] head = new byte[Header.FIXED_LENGTH];

  /**
   * @param lostFraming told why, when a header is bad: the stream has lost its framing, and the
   *     connection is closed
   */
  public FrameDecoder(WireDecoder decoder, Consumer<MalformedMessageException> lostFraming) {
    this.decoder = decoder;
    this.lostFraming = lostFraming;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (in.readableBytes() < Header.FIXED_LENGTH) {
      return;
    }
    in.getBytes(in.readerIndex(), head);
    int length;
    try {
      length = decoder.frameLength(head, 0, head.length);
    } catch (MalformedMessageException e) {
      lostFraming.accept(e);
      in.skipBytes(in.readableBytes());
      ctx.close(); // nothing after this can be trusted
      return;
    }
    if (in.readableBytes() >= length) {
      byte[] frame = new byte[length];
      in.readBytes(frame);
      out.add(frame);
    }
  }
}
