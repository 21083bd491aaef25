package io.nexaflow.console;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Debian's Chromium driven through Debian's chromedriver (apt-get install chromium chromium-driver; .ci/run does),
 * headless, with a fresh profile and no background traffic. Nothing is downloaded: both paths are given to
 * Selenium, so its driver manager never runs. Without them a test fails in CI (CI=true) and is skipped elsewhere.
 */
final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getenv().getOrDefault("CHROMEDRIVER", "/usr/bin/chromedriver"));

    final ChromeDriver driver;
    private final ChromeDriverService service;
    private final Path profile;

    private Browser(ChromeDriver driver, ChromeDriverService service, Path profile) {
        this.driver = driver;
        this.service = service;
        this.profile = profile;
    }

    /** A browser, or the test is skipped (failed in CI) with what to install. */
    static Browser start() {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            String missing = "the console's browser tests need " + CHROMIUM + " and " + CHROMEDRIVER
                    + " (apt-get install -y chromium chromium-driver)";
            if ("true".equals(System.getenv("CI"))) {
                Assertions.fail(missing);
            }
            Assumptions.abort(missing);
        }
        try {
            Path profile = Files.createTempDirectory("nexaflow-chromium-");
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toFile());
            options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--window-size=1400,1000", "--user-data-dir=" + profile);
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort()
                    .withAllowedListIps("127.0.0.1").build();
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
            return new Browser(driver, service, profile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Saves what the browser shows as a PNG when -Dconsole.screenshots names a folder (the README's pictures
     * come from here: ./mvnw test -Dtest=ConsoleBrowserTest -Dconsole.screenshots=docs/images).
     */
    void screenshot(String name) {
        screenshot(name, true);
    }

    /** As {@link #screenshot(String)}, of the whole page or of the window only. */
    void screenshot(String name, boolean wholePage) {
        String folder = System.getProperty("console.screenshots");
        if (folder == null || folder.isBlank()) {
            return;
        }
        try {
            // The whole page, not just the window: as tall as the page is, within reason.
            long height = wholePage ? (Long) driver.executeScript("return document.documentElement.scrollHeight")
                    : 1000;
            driver.manage().window().setSize(new org.openqa.selenium.Dimension(1400, (int) Math.min(height, 4000)));
            File shot = driver.getScreenshotAs(OutputType.FILE);
            driver.manage().window().setSize(new org.openqa.selenium.Dimension(1400, 1000));
            Path target = Path.of(folder).resolve(name + ".png");
            Files.createDirectories(target.getParent());
            Files.copy(shot.toPath(), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            } catch (IOException e) {
                // a temporary profile left behind is harmless
            }
        }
    }
}
