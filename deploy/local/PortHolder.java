import java.net.InetAddress;
import java.net.ServerSocket;

/** Holds a loopback port for a while, so the e2e test can show what `./ist up` says about a port in use. */
public class PortHolder {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        long seconds = args.length > 1 ? Long.parseLong(args[1]) : 60;
        try (ServerSocket s = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
            Thread.sleep(seconds * 1000);
        }
    }
}
