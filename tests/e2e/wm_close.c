/* wm_close.c WINDOW_ID: asks an X11 window to close as a window manager does when its close
 * button is clicked: a WM_PROTOCOLS client message carrying WM_DELETE_WINDOW. Under Xvfb there
 * is no window manager to click on, and xdotool's windowclose destroys the window instead of
 * asking. Exit 0 once the message is sent, 2 on a bad argument, 1 without a display. */
#include <X11/Xlib.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char** argv) {
    char* end = NULL;
    unsigned long id = argc == 2 ? strtoul(argv[1], &end, 0) : 0;
    if (argc != 2 || end == argv[1] || *end != '\0' || id == 0) {
        fprintf(stderr, "usage: wm_close WINDOW_ID (as xdotool search prints it)\n");
        return 2;
    }
    Display* display = XOpenDisplay(NULL);
    if (!display) {
        fprintf(stderr, "wm_close: cannot open the X display\n");
        return 1;
    }
    XEvent event = {0};
    event.xclient.type = ClientMessage;
    event.xclient.window = (Window)id;
    event.xclient.message_type = XInternAtom(display, "WM_PROTOCOLS", False);
    event.xclient.format = 32;
    event.xclient.data.l[0] = (long)XInternAtom(display, "WM_DELETE_WINDOW", False);
    event.xclient.data.l[1] = CurrentTime;
    XSendEvent(display, (Window)id, False, NoEventMask, &event);
    XSync(display, False);
    XCloseDisplay(display);
    return 0;
}
