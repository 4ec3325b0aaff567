package dev.sharelinks.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FreePortsTest {

    @Test
    void eachPortHandedOutIsDistinctAndStaysLockedForOtherProcesses() throws Exception {
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            ports.add(FreePorts.next());
        }

        assertThat(ports).hasSize(20).allSatisfy(port -> assertThat(port).isBetween(15_000, 65_535));
        for (int port : ports) {
            try (FileChannel file =
                    FileChannel.open(FreePorts.LOCKS.resolve(Integer.toString(port)), StandardOpenOption.WRITE)) {
                // this process holds the lock, so another process's tryLock on the file would get none
                assertThatThrownBy(file::tryLock).isInstanceOf(OverlappingFileLockException.class);
            }
        }
    }
}
